import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { monitorClient } from "./support/monitors.ts";
import { spawnServer } from "./support/process.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { eventually, sleep, startReceiver } from "./support/receiver.ts";

const COUNT = 20;

Deno.test("two server processes on one database never double-alert nor lose a transition", async () => {
  const pg = await createTestDatabase();
  const receiver = startReceiver();
  const adminToken = `admin-${crypto.randomUUID()}`;
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  // Each process has its own data directory (its own KV file); they share the database.
  const [a, b] = await Promise.all(
    dirs.map((dir) =>
      spawnServer({
        DATABASE_URL: pg.url,
        HARTSLAG_ADMIN_TOKEN: adminToken,
        HARTSLAG_DATA_DIR: dir,
      })
    ),
  );
  const logLines = (p: typeof a) =>
    p.output().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
  let aStopped = false;
  try {
    const apiA = monitorClient({ url: a.url, adminToken });
    const apiB = monitorClient({ url: b.url, adminToken });
    const app = await apiA.createApp("Twins");
    await apiA.createChannel(app.id, { kind: "webhook", url: `${receiver.url}/hook` });
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      ids.push(
        (await apiA.createMonitor(app.id, { name: `job ${i}`, interval_s: 1, grace_s: 1 })).id,
      );
    }
    // Half ping through each instance; both sweep and deliver.
    await Promise.all(ids.map((id, i) => (i % 2 ? apiA : apiB).ping(id)));

    const downs = await receiver.waitFor(COUNT, 15_000);
    await sleep(1_500);
    equal(receiver.received.length, COUNT, "one down alert per monitor, no more");
    equal(new Set(downs.map((r) => (r.json.monitor as { id: string }).id)).size, COUNT);
    equal(new Set(downs.map((r) => r.json.delivery_id)).size, COUNT);
    for (const id of ids) {
      const flips = await apiB.flips(id);
      equal(flips.map((f) => [f.from, f.to]), [["new", "up"], ["up", "late"], ["late", "down"]]);
    }

    // Each transition was written by exactly one of the two (each logs the ones it won).
    const logged = [...logLines(a), ...logLines(b)]
      .filter((e) => e.msg === "monitor status changed");
    equal(logged.filter((e) => e.to === "down").length, COUNT);
    equal(logged.filter((e) => e.to === "late").length, COUNT);

    // Contention between the two is skipped over, never an error (no deadlocks).
    equal([...logLines(a), ...logLines(b)].filter((e) => e.level === "error"), []);

    // One instance dies abruptly; the other carries on alone.
    await a.kill("SIGKILL");
    aStopped = true;
    await Promise.all(ids.map((id) => apiB.ping(id)));
    await receiver.waitFor(COUNT * 2, 15_000);
    await receiver.waitFor(COUNT * 3, 15_000);
    await sleep(1_500);
    const types = receiver.received.map((r) => r.json.type);
    equal(types.filter((t) => t === "monitor.up").length, COUNT);
    equal(types.filter((t) => t === "monitor.down").length, COUNT * 2);
    for (const id of ids) {
      const deliveries = await apiB.deliveries(id);
      equal(
        deliveries.map((
          d: { kind: string; state: string; attempts: number },
        ) => [d.kind, d.state, d.attempts]),
        [
          ["down", "sent", 1],
          ["up", "sent", 1],
          ["down", "sent", 1],
        ],
      );
    }
    ok(
      await eventually("B is healthy", async () => {
        const res = await fetch(`${b.url}/healthz`);
        return res.status === 200 ? await res.json() : undefined;
      }),
    );
  } finally {
    if (!aStopped) await a.kill("SIGTERM");
    await b.kill("SIGTERM");
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
    await receiver.close();
    await pg.drop();
  }
});
