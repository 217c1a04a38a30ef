import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { sql } from "kysely";
import { eventWindowTotals } from "../lib/store/event_monitors.ts";
import { insertEvents, type NewEvent } from "../lib/store/events.ts";
import { monitorClient } from "./support/monitors.ts";
import { eventually, startReceiver } from "./support/receiver.ts";
import { againstBundle, startTestServer } from "./support/server.ts";

Deno.test("an event monitor: up with enough events, down when they stop, up again", async () => {
  const receiver = startReceiver();
  const server = await startTestServer("postgres");
  const api = monitorClient(server);
  try {
    const app = await api.createApp("Shop");
    await api.createChannel(app.id, { kind: "webhook", url: `${receiver.url}/hook` });
    const m = await api.createMonitor(app.id, {
      name: "signups keep coming",
      kind: "events",
      event: "signup",
      min_count: 2,
      window_s: 60,
      interval_s: 1,
      grace_s: 1,
    });
    equal([m.kind, m.event, m.min_count, m.window_s, m.status], [
      "events",
      "signup",
      2,
      60,
      "new",
    ]);
    const byWeight = await api.createMonitor(app.id, {
      name: "revenue",
      kind: "events",
      event: "order",
      min_weight: 100,
      window_s: 3600,
      grace_s: 60,
    });
    equal(byWeight.interval_s, 60, "checked every minute by default");

    // Two signups that leave the 60 s window about 1.5 s from now.
    const old = new Date(Date.now() - 58_500).toISOString();
    for (let i = 0; i < 2; i++) {
      equal((await api.heartbeat(app.token, { event: "signup", created_at: old })).status, 201);
    }
    equal((await api.heartbeat(app.token, { event: "order", weight: 60 })).status, 201);
    await eventually(
      "up",
      async () => (await api.monitor(m.id)).status === "up" || undefined,
      3_000,
    );

    const [down] = await receiver.waitFor(1, 8_000);
    equal(down.json.type, "monitor.down");
    equal(down.json.reason, "too few events");
    equal((await api.flips(m.id)).map((f) => [f.from, f.to]), [
      ["new", "up"],
      ["up", "late"],
      ["late", "down"],
    ]);

    for (let i = 0; i < 2; i++) await api.heartbeat(app.token, { event: "signup" });
    const [, up] = await receiver.waitFor(2, 5_000);
    equal(up.json.type, "monitor.up");

    // The weight rule: 60 is not enough, 60 + 40 is.
    equal((await api.monitor(byWeight.id)).status, "new");
    await api.heartbeat(app.token, { event: "order", weight: 40 });
    await api.send("PATCH", `/api/v1/monitors/${byWeight.id}`, { interval_s: 1 });
    await eventually(
      "weight up",
      async () => (await api.monitor(byWeight.id)).status === "up" || undefined,
      3_000,
    );
    equal(receiver.received.length, 2);
  } finally {
    await server.close();
    await receiver.close();
  }
});

Deno.test("event window totals: whole minutes from rollups plus exact edges", {
  ignore: againstBundle,
}, async () => {
  const server = await startTestServer("postgres");
  try {
    const db = server.services.db;
    const base = Date.parse("2024-05-01T10:00:00Z");
    const events: NewEvent[] = [];
    for (let i = 0; i < 400; i++) {
      events.push({
        appId: "app_w",
        event: i % 7 === 0 ? "other" : "tick",
        weight: BigInt((i % 5) + 1),
        userId: null,
        createdAt: new Date(base + Math.floor((i * 7919) % 600_000)),
      });
    }
    await insertEvents(server.services.database, events);
    const windows = [
      [0, 600_000],
      [1, 599_999],
      [30_500, 90_500],
      [59_999, 60_001],
      [61_000, 119_000],
      [120_000, 180_000],
      [123_456, 456_789],
    ];
    for (const [from, to] of windows) {
      const got = await eventWindowTotals(
        db,
        "app_w",
        "tick",
        new Date(base + from),
        new Date(base + to),
      );
      const { rows } = await sql<{ count: string; weight: string }>`
        select count(*)::text as count, coalesce(sum(weight), 0)::text as weight from events
        where app_id = 'app_w' and event = 'tick'
          and created_at >= ${new Date(base + from).toISOString()}::timestamptz
          and created_at < ${new Date(base + to).toISOString()}::timestamptz`.execute(db);
      equal(
        [String(got.count), String(got.weight)],
        [rows[0].count, rows[0].weight],
        `${from}..${to}`,
      );
      ok(got.count > 0n || to - from < 1000);
    }
  } finally {
    await server.close();
  }
});
