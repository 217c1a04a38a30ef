import { deepStrictEqual as equal, ok } from "node:assert/strict";
import type { Kysely } from "kysely";
import { secretDigest } from "../domain/ids.ts";
import { BeaconTokens } from "./beacon_tokens.ts";
import type { Schema } from "./schema.ts";

/** A database that answers the token lookup from a map and counts the queries. */
function fakeDb(rows: Map<string, Record<string, unknown>>) {
  const stats = { queries: 0 };
  let digest = "";
  const query = {
    select: () => query,
    where: (_column: string, _op: string, value: string) => ((digest = value), query),
    executeTakeFirst: async () => {
      stats.queries++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return rows.get(digest);
    },
  };
  return { db: { selectFrom: () => query } as unknown as Kysely<Schema>, stats };
}

const row = (id: string, limit: [number, number] | null = null) => ({
  id,
  app_id: "app_1",
  name: `beacon ${id}`,
  limit_count: limit?.[0] ?? null,
  limit_window_s: limit?.[1] ?? null,
  created_at: new Date(0),
});

const fallback = { limit: 60, windowMs: 10_000 };

Deno.test("concurrent first requests share one lookup; then answers are synchronous", async () => {
  const { db, stats } = fakeDb(new Map([[secretDigest("beet_a"), row("bcn_a")]]));
  const tokens = new BeaconTokens(db, fallback);
  const found = await Promise.all(Array.from({ length: 20 }, () => tokens.authenticate("beet_a")));
  equal(stats.queries, 1);
  ok(found.every((f) => f?.beacon.id === "bcn_a" && f.policy === fallback));
  const again = tokens.authenticate("beet_a");
  ok(!(again instanceof Promise), "cached: no await on the hot path");
});

Deno.test("known tokens are trusted about a minute, unknown ones a few seconds", async () => {
  let now = 0;
  const { db, stats } = fakeDb(new Map([[secretDigest("beet_k"), row("bcn_k", [5, 60])]]));
  const tokens = new BeaconTokens(db, fallback, { now: () => now });
  const known = await tokens.authenticate("beet_k");
  equal(known?.policy, { limit: 5, windowMs: 60_000 });
  equal(await tokens.authenticate("beet_unknown"), undefined);
  equal(stats.queries, 2);
  now = 6_000;
  await tokens.authenticate("beet_k");
  await tokens.authenticate("beet_unknown");
  equal(stats.queries, 3, "only the unknown token was looked up again");
  now = 80_000;
  const refreshed = await tokens.authenticate("beet_k");
  equal(stats.queries, 4);
  ok(
    refreshed!.policy === known!.policy,
    "the same policy object, so the limiter keeps its window",
  );
});

Deno.test("forget drops a beacon at once, even while its lookup is in flight", async () => {
  const rows = new Map([[secretDigest("beet_r"), row("bcn_r")]]);
  const { db, stats } = fakeDb(rows);
  const tokens = new BeaconTokens(db, fallback);
  await tokens.authenticate("beet_r");
  rows.delete(secretDigest("beet_r"));
  tokens.forget("bcn_r");
  equal(await tokens.authenticate("beet_r"), undefined);
  // A lookup that raced a rotation answers its request but is not cached.
  rows.set(secretDigest("beet_s"), row("bcn_s"));
  const racing = tokens.authenticate("beet_s");
  tokens.forget("bcn_other");
  ok((await racing)?.beacon.id === "bcn_s");
  const before = stats.queries;
  await tokens.authenticate("beet_s");
  equal(stats.queries, before + 1);
});
