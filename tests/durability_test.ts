import { deepStrictEqual as equal, ok } from "node:assert/strict";
import postgres from "postgres";
import { readConfig } from "../lib/config.ts";
import { silentLogger } from "../lib/log.ts";
import { startServer } from "../main.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { startHeartbeatLoad } from "./support/load.ts";
import { spawnServer } from "./support/process.ts";
import { againstBundle, client, databaseChoices, startTestServer } from "./support/server.ts";
import { TcpProxy } from "./support/tcp_proxy.ts";

/** Raw row count and rollup total of one app, straight from PostgreSQL. */
async function storedCounts(databaseUrl: string, appId: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [rows] = await sql`select count(*)::int as n from events where app_id = ${appId}`;
    const [totals] = await sql`
      select coalesce(sum(count), 0)::int as n from event_totals where app_id = ${appId}`;
    const [quarters] = await sql`
      select coalesce(sum(count), 0)::int as n from event_quarters where app_id = ${appId}`;
    const [minutes] = await sql`
      select coalesce(sum(count), 0)::int as n from event_minutes where app_id = ${appId}`;
    const [pending] = await sql`
      select count(*)::int as n from event_rollup_deltas where app_id = ${appId}`;
    return {
      rows: rows.n,
      totals: totals.n,
      quarters: quarters.n,
      minutes: minutes.n,
      pendingDeltas: pending.n,
    };
  } finally {
    await sql.end();
  }
}

/** A test server on a fresh database whose connections all go through a TcpProxy. */
async function serverBehindProxy(env: Record<string, string>) {
  const db = await createTestDatabase();
  const proxy = new TcpProxy({ hostname: "127.0.0.1", port: Number(new URL(db.url).port) });
  proxy.start();
  const proxied = new URL(db.url);
  proxied.port = String(proxy.port);
  const server = await startTestServer("postgres", {
    env: { DATABASE_URL: proxied.toString(), ...env },
  });
  return { db, proxy, server };
}

/** Posts the event every 100 ms until it is answered 201, for up to 5 s: the last status. */
async function retryUntilStored(
  api: ReturnType<typeof client>,
  token: string,
  event: string,
): Promise<number> {
  let status = 0;
  for (let i = 0; i < 50 && status !== 201; i++) {
    const res = await api.heartbeat(token, { event });
    await res.body?.cancel();
    status = res.status;
    if (status !== 201) await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}

for (const database of databaseChoices) {
  Deno.test(`1,000 concurrent posts: every 201 is a stored row (${database})`, async () => {
    const server = await startTestServer(database);
    const api = client(server);
    try {
      const app = await api.createApp();
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const res = await api.heartbeat(app.token, { event: `burst-${i % 7}`, user_id: i });
          await res.body?.cancel();
          return res.status;
        }),
      );
      const created = statuses.filter((s) => s === 201).length;
      equal(created, 1000);
      const summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
      const total = summary.events.reduce(
        (sum: number, e: { total: { count: number } }) => sum + e.total.count,
        0,
      );
      equal(total, created);
      const csv = await (await api.admin(`/api/v1/apps/${app.id}/export.csv`)).text();
      const userIds = csv.trimEnd().split("\n").slice(1).map((line) => Number(line.split(",")[2]));
      equal(userIds.sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    } finally {
      await server.close();
    }
  });
}

Deno.test(
  "the embedded database keeps its data across a restart",
  { ignore: againstBundle },
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "hartslag-embedded-" });
    const config = readConfig({
      PORT: "0",
      HARTSLAG_HOSTNAME: "127.0.0.1",
      HARTSLAG_DATA_DIR: dataDir,
      HARTSLAG_ADMIN_TOKEN: "admin",
    });
    try {
      let server = await startServer(config, { log: silentLogger });
      let api = client({ url: server.url, adminToken: "admin" });
      const app = await api.createApp("Kept", "Europe/Amsterdam");
      equal((await api.heartbeat(app.token, { event: "kept", weight: 3 })).status, 201);
      await server.shutdown();

      server = await startServer(config, { log: silentLogger });
      api = client({ url: server.url, adminToken: "admin" });
      const summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
      equal(summary.timezone, "Europe/Amsterdam");
      equal(summary.events[0].total, { count: 1, weight: 3 });
      equal((await api.heartbeat(app.token, { event: "kept" })).status, 201);
      await server.shutdown();
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test("an unreachable database is 503 with Retry-After, and nothing is lost", async () => {
  const { db, proxy, server } = await serverBehindProxy({ HARTSLAG_WRITER_WAIT_MS: "1500" });
  const api = client(server);
  try {
    const app = await api.createApp();
    equal((await api.heartbeat(app.token, { event: "before" })).status, 201);

    proxy.refuse();
    const res = await api.heartbeat(app.token, { event: "during" });
    equal(res.status, 503);
    ok(Number(res.headers.get("retry-after")) >= 1);
    equal((await res.json()).error, "Service Unavailable");
    equal((await fetch(`${server.url}/healthz`)).status, 503);

    proxy.forward();
    const after = await retryUntilStored(api, app.token, "after");
    equal(after, 201);
    equal((await fetch(`${server.url}/healthz`)).status, 200);
    const { pendingDeltas: _, ...counts } = await storedCounts(db.url, app.id);
    equal(counts, { rows: 2, totals: 2, quarters: 2, minutes: 2 });
  } finally {
    await server.close();
    proxy.close();
    await db.drop();
  }
});

Deno.test("a hanging database: a full queue is 503 at once, waiters get 503 in time", {
  ignore: againstBundle,
}, async () => {
  const { db, proxy, server } = await serverBehindProxy({
    HARTSLAG_WRITER_QUEUE: "5",
    HARTSLAG_WRITER_IN_FLIGHT: "1",
    HARTSLAG_WRITER_BATCH: "1",
    HARTSLAG_WRITER_WAIT_MS: "1000",
  });
  const api = client(server);
  try {
    const app = await api.createApp();
    equal((await api.heartbeat(app.token, { event: "warm" })).status, 201);
    proxy.stall();
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await api.heartbeat(app.token, { event: "stalled", user_id: i });
        await res.body?.cancel();
        return res.status;
      }),
    );
    ok(statuses.every((s) => s === 503), statuses.join(","));
    ok(Date.now() - started < 5_000, "answered within the wait bound");
    proxy.forward();
    await server.services.eventWriter.close();
    const stored = await storedCounts(db.url, app.id);
    equal(stored.rows, stored.totals);
    ok(stored.rows <= 2, `at most the one in-flight write may land, got ${stored.rows - 1}`);
  } finally {
    proxy.forward();
    await server.close();
    proxy.close();
    await db.drop();
  }
});

Deno.test("a batch connection that stops answering is replaced: 503 in time, then 201 again", {
  ignore: againstBundle,
}, async () => {
  const { db, proxy, server } = await serverBehindProxy({ HARTSLAG_WRITER_WAIT_MS: "500" });
  const api = client(server);
  try {
    const app = await api.createApp();
    equal((await api.heartbeat(app.token, { event: "before" })).status, 201);
    // Every connection open now hangs for good, as one silently dropped by a firewall would.
    proxy.freezeOpen();
    const started = Date.now();
    const hung = await api.heartbeat(app.token, { event: "hung" });
    await hung.body?.cancel();
    equal(hung.status, 503);
    ok(Date.now() - started < 3_000, "answered within the wait bound");
    const after = await retryUntilStored(api, app.token, "after");
    equal(after, 201, "a new connection takes the batches");
    const stored = await storedCounts(db.url, app.id);
    equal([stored.rows, stored.totals], [2, 2]);
  } finally {
    // The pool's connections hang too: closing them lets the server's shutdown finish.
    proxy.close();
    await server.close();
    await db.drop();
  }
});

Deno.test("spawned server: SIGKILL under load, every acknowledged event survives the restart", async () => {
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-crash-" });
  const env = {
    DATABASE_URL: db.url,
    HARTSLAG_DATA_DIR: dataDir,
    HARTSLAG_ADMIN_TOKEN: "admin",
    // Folds run all through the load, so the kill can land in the middle of one.
    HARTSLAG_ROLLUP_FOLD_MS: "50",
  };
  try {
    let server = await spawnServer(env);
    const api = client({ url: server.url, adminToken: "admin" });
    const app = await api.createApp();
    const load = startHeartbeatLoad(server.url, app.token, 32);
    await load.until(2_000);
    const status = await server.kill("SIGKILL");
    await load.stop();
    const { acknowledged } = load;
    equal(status.signal, "SIGKILL");

    server = await spawnServer(env);
    try {
      const csv = await (await client({ url: server.url, adminToken: "admin" })
        .admin(`/api/v1/apps/${app.id}/export.csv?event=load`)).text();
      const stored = new Set(
        csv.trimEnd().split("\n").slice(1).map((l) => Number(l.split(",")[2])),
      );
      const lost = acknowledged.filter((id) => !stored.has(id));
      equal(lost, [], `${lost.length} of ${acknowledged.length} acknowledged events are missing`);
      const counts = await storedCounts(db.url, app.id);
      equal(counts.rows, counts.totals, "rollups match the rows: nothing is half-stored");
      equal(counts.rows, counts.quarters);
      equal(counts.rows, counts.minutes);
      // The restarted server folds what the killed one left pending, and counts stay exact.
      let folded = counts;
      for (let i = 0; i < 200 && folded.pendingDeltas > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        folded = await storedCounts(db.url, app.id);
      }
      equal(folded, { ...counts, pendingDeltas: 0 });
    } finally {
      await server.kill("SIGTERM");
    }
  } finally {
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
