import { deepStrictEqual as equal } from "node:assert/strict";
import { IDEMPOTENCY_RETENTION_MS } from "../lib/domain/idempotency.ts";
import type { Database } from "../lib/store/database.ts";
import { insertEvents, type NewEvent, pruneIdempotencyKeys } from "../lib/store/events.ts";
import { client, databaseChoices, startTestServer } from "./support/server.ts";

for (const database of databaseChoices) {
  Deno.test(`Idempotency-Key on POST /api/v1/heartbeat on ${database}`, async (t) => {
    const server = await startTestServer(database);
    const api = client(server);
    const { db } = server.services;
    const events = async (appId: string) =>
      (await db.selectFrom("events").select(["event", "weight"]).where("app_id", "=", appId)
        .orderBy("id").execute()).map((r) => `${r.event}:${r.weight}`);
    const send = async (token: string, body: unknown, key?: string) => {
      const res = await api.heartbeat(
        token,
        body,
        key === undefined ? {} : {
          "idempotency-key": key,
        },
      );
      const answer = { status: res.status, body: await res.json() };
      return answer;
    };
    try {
      await t.step("a retried request is answered 201 [] and stored once", async () => {
        const app = await api.createApp();
        equal(await send(app.token, { event: "order", weight: 5 }, "order-1"), {
          status: 201,
          body: [],
        });
        equal(await send(app.token, { event: "order", weight: 5 }, "order-1"), {
          status: 201,
          body: [],
        });
        equal(await send(app.token, { event: "order", weight: 9 }, '"order-1"'), {
          status: 201,
          body: [],
        }, "the draft's quoted form is the same key; the first request's data wins");
        equal(await events(app.id), ["order:5"]);
        const summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
        equal(summary.events[0].total, { count: 1, weight: 5 }, "rollups counted once");
      });

      await t.step("concurrent duplicates, in one batch or several, are stored once", async () => {
        const app = await api.createApp();
        const answers = await Promise.all([
          ...Array.from({ length: 30 }, () => send(app.token, { event: "dup" }, "same")),
          ...Array.from({ length: 10 }, () => send(app.token, { event: "plain" })),
          ...Array.from({ length: 5 }, (_, i) => send(app.token, { event: "own" }, `own-${i}`)),
        ]);
        equal(answers.every((a) => a.status === 201), true);
        const stored = await events(app.id);
        equal(stored.filter((e) => e === "dup:1").length, 1);
        equal(stored.filter((e) => e === "plain:1").length, 10);
        equal(stored.filter((e) => e === "own:1").length, 5);
      });

      await t.step("in the writer: duplicates in one batch and in concurrent batches", async () => {
        const app = await api.createApp();
        const event = (name: string, idempotencyKey: string | null): NewEvent => ({
          appId: app.id,
          event: name,
          weight: 1n,
          userId: null,
          createdAt: new Date(),
          idempotencyKey,
        });
        // The writer's own path, on a Database of this server's connection pool.
        const database: Database = {
          kind: server.services.databaseKind,
          db,
          run: async (query) => void await db.executeQuery(query),
          close: () => Promise.resolve(),
        };
        await insertEvents(database, [
          event("first", "k1"),
          event("second", "k1"),
          event("plain", null),
          event("other", "k2"),
        ]);
        equal(await events(app.id), ["first:1", "plain:1", "other:1"]);
        await Promise.all([
          insertEvents(database, [event("a", "k3"), event("b", "k4")]),
          insertEvents(database, [event("c", "k4"), event("d", "k3")]),
          insertEvents(database, [event("e", "k1")]),
        ]);
        const later = (await events(app.id)).slice(3).sort();
        equal(later.length, 2, later.join());
        equal(later.every((e) => ["a:1", "b:1", "c:1", "d:1"].includes(e)), true);
      });

      await t.step("keys belong to one app", async () => {
        const a = await api.createApp();
        const b = await api.createApp();
        await send(a.token, { event: "x" }, "shared");
        await send(b.token, { event: "x" }, "shared");
        equal(await events(a.id), ["x:1"]);
        equal(await events(b.id), ["x:1"]);
      });

      await t.step(
        "without the header, retries are stored each time, as the guide says",
        async () => {
          const app = await api.createApp();
          await send(app.token, { event: "x" });
          await send(app.token, { event: "x" });
          equal(await events(app.id), ["x:1", "x:1"]);
        },
      );

      await t.step("a rejected request does not claim its key", async () => {
        const app = await api.createApp();
        equal((await send(app.token, { weight: 1 }, "k")).status, 422);
        equal((await send(app.token, { event: "fixed" }, "k")).status, 201);
        equal(await events(app.id), ["fixed:1"]);
      });

      await t.step("a malformed key is 400 and stores nothing", async () => {
        const app = await api.createApp();
        for (const key of ["", "x".repeat(256), "caf\u00e9"]) {
          const res = await fetch(`${server.url}/api/v1/heartbeat`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${app.token}`,
              "content-type": "application/json",
              "idempotency-key": key,
            },
            body: JSON.stringify({ event: "x" }),
          });
          equal(res.status, 400, JSON.stringify(key));
          equal((await res.json()).error, "Bad Request");
        }
        equal(await events(app.id), []);
      });

      await t.step("keys are kept for at least 24 hours, then pruned", async () => {
        const app = await api.createApp();
        await send(app.token, { event: "kept" }, "day-old");
        const now = Date.now();
        equal(IDEMPOTENCY_RETENTION_MS >= 24 * 3_600_000, true);
        await pruneIdempotencyKeys(db, new Date(now - IDEMPOTENCY_RETENTION_MS));
        await send(app.token, { event: "kept" }, "day-old");
        equal(await events(app.id), ["kept:1"]);
        // Two days on, the key is gone and the same key stores a new event.
        await pruneIdempotencyKeys(db, new Date(now + IDEMPOTENCY_RETENTION_MS));
        await send(app.token, { event: "kept" }, "day-old");
        equal(await events(app.id), ["kept:1", "kept:1"]);
      });
    } finally {
      await server.close();
    }
  });
}
