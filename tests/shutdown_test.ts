import { deepStrictEqual as equal, ok } from "node:assert/strict";
import postgres from "postgres";
import { createTestDatabase } from "./support/postgres.ts";
import { startHeartbeatLoad } from "./support/load.ts";
import { spawnServer } from "./support/process.ts";
import { client } from "./support/server.ts";

Deno.test("spawned server: SIGTERM under load drains the queue, stores every 201 and exits 0", async () => {
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-sigterm-" });
  // Small batches, one at a time: a deep queue is waiting when the signal lands.
  const env = {
    DATABASE_URL: db.url,
    HARTSLAG_DATA_DIR: dataDir,
    HARTSLAG_ADMIN_TOKEN: "admin",
    HARTSLAG_WRITER_BATCH: "20",
    HARTSLAG_WRITER_IN_FLIGHT: "1",
  };
  try {
    const server = await spawnServer(env);
    const app = await client({ url: server.url, adminToken: "admin" }).createApp();
    const load = startHeartbeatLoad(server.url, app.token, 48);
    await load.until(1_500);
    const atSignal = load.acknowledged.length;
    const status = await server.kill("SIGTERM");
    await load.stop();
    const { acknowledged, refused } = load;

    equal(status.code, 0, server.output());
    ok(server.output().includes('"msg":"shutting down","signal":"SIGTERM"'));
    ok(server.output().includes('"msg":"stopped"'));
    ok(acknowledged.length >= atSignal);
    ok(refused.every((s) => s === 503), `only 503s refuse writes: ${[...new Set(refused)]}`);

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select user_id from events where app_id = ${app.id}`;
      const stored = new Set(rows.map((r) => Number(r.user_id)));
      const lost = acknowledged.filter((id) => !stored.has(id));
      equal(lost, [], `${lost.length} of ${acknowledged.length} acknowledged events are missing`);
      const [totals] = await sql`
        select coalesce(sum(count), 0)::int as n from event_totals where app_id = ${app.id}`;
      equal(totals.n, rows.length, "rollups match the rows");
    } finally {
      await sql.end();
    }
  } finally {
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
