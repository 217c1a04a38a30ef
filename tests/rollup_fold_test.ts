import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { type Kysely, sql } from "kysely";
import { readConfig } from "../lib/config.ts";
import { silentLogger } from "../lib/log.ts";
import { openDatabase } from "../lib/store/database.ts";
import { foldRollupDeltas, insertEvents, type NewEvent } from "../lib/store/events.ts";
import type { Schema } from "../lib/store/schema.ts";
import { startServer } from "../main.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { againstBundle, client, databaseChoices, startTestServer } from "./support/server.ts";

async function pendingDeltas(db: Kysely<Schema>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from event_rollup_deltas`
    .execute(db);
  return rows[0].n;
}

/** Per event name, the count and weight of the raw rows and of each rollup level. */
async function levels(db: Kysely<Schema>, appId: string) {
  const { rows } = await sql<Record<string, string>>`
    select e.event, e.count::text, e.weight::text,
      (select sum(count)::text from event_minutes m
        where m.app_id = e.app_id and m.event = e.event) as minutes,
      (select sum(count)::text from event_quarters q
        where q.app_id = e.app_id and q.event = e.event) as quarters,
      (select sum(count)::text from event_totals t
        where t.app_id = e.app_id and t.event = e.event) as totals
    from (select app_id, event, count(*) as count, sum(weight) as weight from events
      where app_id = ${appId} group by 1, 2) e
    order by e.event`.execute(db);
  return rows;
}

for (const database of databaseChoices) {
  Deno.test(`reads count each event once, before and after its deltas fold (${database})`, {
    ignore: againstBundle,
  }, async () => {
    const now = new Date("2024-05-08T12:00:00Z");
    // The background fold waits an hour: this test folds by hand, at the points it checks.
    const server = await startTestServer(database, {
      now: () => now,
      env: { HARTSLAG_ROLLUP_FOLD_MS: "3600000" },
    });
    const api = client(server);
    const db = server.services.db;
    try {
      const app = await api.createApp("Folding", "Europe/Amsterdam");
      const send = async (event: string, createdAt: string, weight: number) => {
        const res = await api.heartbeat(app.token, { event, weight, created_at: createdAt });
        equal(res.status, 201);
      };
      const read = async () => ({
        summary: (await api.adminJson(`/api/v1/apps/${app.id}/events`)).events,
        minutes: (await api.adminJson(
          `/api/v1/apps/${app.id}/events/a/series?bucket=minute&from=2024-05-08T09:58:00Z&to=2024-05-08T10:01:00Z`,
        )).points,
        hours: (await api.adminJson(
          `/api/v1/apps/${app.id}/events/a/series?bucket=hour&from=2024-05-08T09:00:00Z&to=2024-05-08T11:00:00Z`,
        )).points,
      });

      await send("a", "2024-05-08T09:58:30Z", 2);
      await send("a", "2024-05-08T09:59:59Z", 3);
      await send("a", "2024-05-08T10:00:00Z", 5);
      await send("b", "2024-04-30T21:59:59Z", 7); // April in Amsterdam (+02:00): not this month
      ok(await pendingDeltas(db) >= 4, "the writer leaves a delta per name and minute");
      const pending = await read();
      equal(pending.summary, [
        {
          event: "a",
          today: { count: 3, weight: 10 },
          week: { count: 3, weight: 10 },
          month: { count: 3, weight: 10 },
          total: { count: 3, weight: 10 },
        },
        {
          event: "b",
          today: { count: 0, weight: 0 },
          week: { count: 0, weight: 0 },
          month: { count: 0, weight: 0 },
          total: { count: 1, weight: 7 },
        },
      ]);
      equal(pending.minutes, [
        { t: "2024-05-08T09:58:00.000Z", count: 1, weight: 2 },
        { t: "2024-05-08T09:59:00.000Z", count: 1, weight: 3 },
        { t: "2024-05-08T10:00:00.000Z", count: 1, weight: 5 },
      ]);
      equal(pending.hours, [
        { t: "2024-05-08T09:00:00.000Z", count: 2, weight: 5 },
        { t: "2024-05-08T10:00:00.000Z", count: 1, weight: 5 },
      ]);

      const before = await pendingDeltas(db);
      equal(await server.services.rollupFolder.foldNow(), before);
      equal(await pendingDeltas(db), 0);
      equal(await read(), pending, "folding changes no answer");

      // Half folded, half pending: the same minute and quarter rows gain the new deltas.
      await send("a", "2024-05-08T09:59:00Z", 100);
      const mixed = await read();
      equal(mixed.summary[0].total, { count: 4, weight: 110 });
      equal(mixed.minutes[1], { t: "2024-05-08T09:59:00.000Z", count: 2, weight: 103 });
      equal(mixed.hours[0], { t: "2024-05-08T09:00:00.000Z", count: 3, weight: 105 });
      await server.services.rollupFolder.foldNow();
      equal(await read(), mixed);
      equal(await levels(db, app.id), [
        { event: "a", count: "4", weight: "110", minutes: "4", quarters: "4", totals: "4" },
        { event: "b", count: "1", weight: "7", minutes: "1", quarters: "1", totals: "1" },
      ]);
      const { rows: [folded] } = await sql<{ first_at: Date; last_at: Date }>`
        select first_at, last_at from event_totals_folded
        where app_id = ${app.id} and event = 'a'`.execute(db);
      equal(folded.first_at.toISOString(), "2024-05-08T09:58:30.000Z");
      equal(folded.last_at.toISOString(), "2024-05-08T10:00:00.000Z");
    } finally {
      await server.close();
    }
  });
}

Deno.test("folds running at once while batches commit move every delta exactly once", async () => {
  const pg = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-test-" });
  // startServer migrates the database; its own fold is kept out of the way.
  const server = await startServer(
    readConfig({
      PORT: "0",
      HARTSLAG_HOSTNAME: "127.0.0.1",
      DATABASE_URL: pg.url,
      HARTSLAG_DATA_DIR: dataDir,
      HARTSLAG_ROLLUP_FOLD_MS: "3600000",
    }),
    { log: silentLogger },
  );
  const database = await openDatabase({ url: pg.url, dataDir, poolSize: 8 });
  try {
    const batch = (n: number): NewEvent[] =>
      Array.from({ length: 40 }, (_, i) => ({
        appId: "fold-app",
        event: `e${(n * 7 + i) % 60}`,
        weight: BigInt(i + 1),
        userId: null,
        createdAt: new Date(Date.UTC(2024, 0, 1, 0, (n + i) % 50, i)),
      }));
    let writing = true;
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let n = w; n < 150; n += 3) await insertEvents(database, batch(n));
    });
    const folders = Array.from({ length: 4 }, async () => {
      let moved = 0;
      while (writing) {
        moved += await foldRollupDeltas(database.db, 25);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return moved;
    });
    await Promise.all(writers);
    writing = false;
    const moved = (await Promise.all(folders)).reduce((a, b) => a + b, 0);
    ok(moved > 0, "the folds ran while batches committed");
    while (await foldRollupDeltas(database.db, 1000) > 0) { /* the rest */ }
    equal(await pendingDeltas(database.db), 0);

    const { rows } = await sql<Record<string, string>>`
      select
        (select count(*) from events)::text as events,
        (select sum(weight) from events)::text as weight,
        (select sum(count) from event_minutes_folded)::text as minutes,
        (select sum(count) from event_quarters_folded)::text as quarters,
        (select sum(count) from event_totals_folded)::text as totals,
        (select sum(weight) from event_totals_folded)::text as total_weight,
        (select count(*) from (
          select e.event from events e group by e.event
          having count(*) <> (select t.count from event_totals_folded t where t.event = e.event)
        ) x)::text as names_off`.execute(database.db);
    equal(rows[0], {
      events: "6000",
      weight: String(150 * (40 * 41 / 2)),
      minutes: "6000",
      quarters: "6000",
      totals: "6000",
      total_weight: String(150 * (40 * 41 / 2)),
      names_off: "0",
    });
  } finally {
    await database.close();
    await server.shutdown();
    await pg.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("the server folds deltas in the background", { ignore: againstBundle }, async () => {
  const server = await startTestServer("postgres", { env: { HARTSLAG_ROLLUP_FOLD_MS: "50" } });
  const api = client(server);
  const db = server.services.db;
  try {
    const app = await api.createApp();
    for (const event of ["x", "y", "x"]) {
      equal((await api.heartbeat(app.token, { event, weight: 2 })).status, 201);
    }
    const deadline = Date.now() + 10_000;
    while (await pendingDeltas(db) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    equal(await pendingDeltas(db), 0);
    const { rows } = await sql<{ event: string; count: string; weight: string }>`
      select event, count::text, weight::text from event_totals_folded
      where app_id = ${app.id} order by event`.execute(db);
    equal(rows, [{ event: "x", count: "2", weight: "4" }, { event: "y", count: "1", weight: "2" }]);
  } finally {
    await server.close();
  }
});

for (const database of databaseChoices) {
  Deno.test(
    `a batch stores each event at its own time, however many share a millisecond (${database})`,
    {
      ignore: againstBundle,
    },
    async () => {
      const server = await startTestServer(database);
      try {
        const base = Date.parse("2024-05-08T12:00:00.000Z");
        const offsets = [0, 0, 0, 1, 1, 0, 999, 999, 1000, 0, -1, -1];
        const events: NewEvent[] = offsets.map((offset, i) => ({
          appId: "app_times",
          event: `e${i}`,
          weight: 1n,
          userId: null,
          createdAt: new Date(base + offset),
        }));
        await insertEvents(server.services.database, events);
        const { rows } = await sql<{ event: string; created_at: Date }>`
        select event, created_at from events where app_id = 'app_times'`.execute(
          server.services.db,
        );
        const stored = new Map(rows.map((row) => [row.event, new Date(row.created_at).getTime()]));
        equal(events.map((e) => stored.get(e.event)), offsets.map((offset) => base + offset));
      } finally {
        await server.close();
      }
    },
  );
}
