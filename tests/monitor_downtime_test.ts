import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { readConfig } from "../lib/config.ts";
import { silentLogger } from "../lib/log.ts";
import { startServer } from "../main.ts";
import { monitorClient } from "./support/monitors.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { eventually, sleep, startReceiver } from "./support/receiver.ts";

Deno.test("deadlines inside the service's own downtime get a fresh grace period, not an alert", async () => {
  const pg = await createTestDatabase();
  const receiver = startReceiver();
  const adminToken = `admin-${crypto.randomUUID()}`;
  const dirs: string[] = [];
  const start = async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "hartslag-downtime-" });
    dirs.push(dataDir);
    return await startServer(
      readConfig({
        PORT: "0",
        HARTSLAG_HOSTNAME: "127.0.0.1",
        HARTSLAG_DATA_DIR: dataDir,
        HARTSLAG_ADMIN_TOKEN: adminToken,
        DATABASE_URL: pg.url,
        HARTSLAG_ALIVE_TICK_MS: "200",
        HARTSLAG_DOWNTIME_GAP_MS: "1000",
      }),
      { log: silentLogger },
    );
  };
  let server = await start();
  try {
    let api = monitorClient({ url: server.url, adminToken });
    const app = await api.createApp("Restarts");
    await api.createChannel(app.id, { kind: "webhook", url: `${receiver.url}/hook` });
    const quiet = await api.createMonitor(app.id, { name: "quiet", interval_s: 1, grace_s: 2 });
    const back = await api.createMonitor(app.id, { name: "back", interval_s: 1, grace_s: 2 });
    await api.ping(quiet.id);
    await api.ping(back.id);

    // Down for 4 s: both monitors' late (+1 s) and down (+3 s) deadlines fall inside it.
    await server.shutdown();
    await sleep(4_000);
    server = await start();
    const restartedAt = Date.now();
    api = monitorClient({ url: server.url, adminToken });

    await eventually("the restart noticed", async () => {
      const flips = await api.flips(quiet.id);
      return flips.at(-1)?.to === "late" ? flips : undefined;
    }, 3_000);
    equal((await api.monitor(quiet.id)).status, "late");
    equal((await api.monitor(back.id)).status, "late");
    await api.ping(back.id);
    // (It pinged in time; a longer interval keeps it quiet for the rest of the test.)
    await api.send("PATCH", `/api/v1/monitors/${back.id}`, { interval_s: 60 });

    // The one that stayed silent is alerted once its fresh grace ends, and only once.
    const [alert] = await receiver.waitFor(1, 6_000);
    equal(alert.json.type, "monitor.down");
    equal((alert.json.monitor as { id: string }).id, quiet.id);
    const down = (await api.flips(quiet.id)).at(-1)!;
    equal([down.from, down.to], ["late", "down"]);
    ok(
      new Date(down.at).getTime() >= restartedAt + 2_000 - 200,
      `down at ${down.at}, restarted at ${new Date(restartedAt).toISOString()}`,
    );
    await sleep(1_000);
    equal(receiver.received.length, 1);
    const backFlips = (await api.flips(back.id)).map((f) => f.to);
    equal(backFlips.slice(0, 3), ["up", "late", "up"]);
    ok(!backFlips.includes("down"));
    equal(await api.incidents(back.id), []);
  } finally {
    await server.shutdown();
    await receiver.close();
    await pg.drop();
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
});
