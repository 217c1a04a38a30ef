import { deepStrictEqual as equal, ok, rejects } from "node:assert/strict";
import { sql } from "kysely";
import { readConfig } from "../lib/config.ts";
import { jsonLogger } from "../lib/log.ts";
import { startServer } from "../main.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { againstBundle, client, startTestServer } from "./support/server.ts";

/** The sample lines of one metric family (no HELP/TYPE). */
function samples(text: string, name: string): string[] {
  return text.split("\n").filter((line) =>
    line.startsWith(`${name}{`) || line === name ||
    line.startsWith(`${name} `)
  );
}

Deno.test("GET /metrics: open without a token, and counts responses by route pattern", {
  ignore: againstBundle,
}, async () => {
  const server = await startTestServer("postgres");
  const api = client(server);
  try {
    const app = await api.createApp();
    for (let i = 0; i < 3; i++) {
      await (await api.heartbeat(app.token, { event: "m", user_id: i })).body?.cancel();
    }
    await (await api.heartbeat(app.token, "{not json")).body?.cancel();
    await (await fetch(`${server.url}/api/v1/apps`)).body?.cancel(); // 401 from middleware
    await (await fetch(`${server.url}/no/such/thing`)).body?.cancel();
    await (await fetch(`${server.url}/no/such/thing`, { method: "BREW" })).body?.cancel();
    await (await api.admin(`/api/v1/apps/${app.id}/events`)).body?.cancel();
    server.services.metrics.monitors.collectWith((gauge) => {
      gauge.labels({ status: "up" }).set(4);
      gauge.labels({ status: "down" }).set(1);
    });
    server.services.metrics.rateLimited.labels({ kind: "beacon" }).inc();
    server.services.metrics.alertDeliveries.labels({ channel: "webhook", outcome: "delivered" })
      .inc();

    const res = await fetch(`${server.url}/metrics`);
    equal(res.status, 200);
    equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const requests = samples(text, "hartslag_http_requests_total");
    for (
      const line of [
        '{method="POST",route="/api/v1/heartbeat",status="201"} 3',
        '{method="POST",route="/api/v1/heartbeat",status="400"} 1',
        '{method="POST",route="/api/v1/apps",status="201"} 1',
        '{method="GET",route="/api/v1/apps/*",status="401"} 1',
        '{method="GET",route="(unmatched)",status="404"} 1',
        '{method="OTHER",route="(unmatched)",status="404"} 1',
        '{method="GET",route="/api/v1/apps/:app/events",status="200"} 1',
      ]
    ) {
      ok(requests.includes(`hartslag_http_requests_total${line}`), `${line}\n${requests}`);
    }
    ok(!text.includes(app.id), "raw paths never become labels");
    equal(samples(text, "hartslag_ingest_queue_depth"), [
      'hartslag_ingest_queue_depth{queue="events"} 0',
    ]);
    ok(text.includes('hartslag_ingest_items_total{queue="events",outcome="stored"} 3'));
    ok(text.includes('hartslag_ingest_batch_size_sum{queue="events"} 3'));
    ok(/hartslag_ingest_commit_seconds_bucket\{queue="events",le="\+Inf"\} [1-3]\n/.test(text));
    equal(samples(text, "hartslag_monitors"), [
      'hartslag_monitors{status="up"} 4',
      'hartslag_monitors{status="down"} 1',
    ]);
    ok(text.includes('hartslag_rate_limited_total{kind="beacon"} 1'));
    ok(text.includes('hartslag_alert_deliveries_total{channel="webhook",outcome="delivered"} 1'));
    ok(/process_resident_memory_bytes \d+/.test(text));
    ok(text.endsWith("\n"));
  } finally {
    await server.close();
  }
});

Deno.test("requests refused by a rate limit are counted by kind", async () => {
  const server = await startTestServer("postgres", {
    env: { HARTSLAG_APP_RATE_LIMIT: "2", HARTSLAG_APP_RATE_WINDOW_S: "600" },
  });
  const api = client(server);
  try {
    const app = await api.createApp();
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await api.heartbeat(app.token, { event: "limited" });
      await res.body?.cancel();
      statuses.push(res.status);
    }
    equal(statuses, [201, 201, 429, 429]);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    ok(text.includes('hartslag_rate_limited_total{kind="app"} 2'), text);
    ok(text.includes('route="/api/v1/heartbeat",status="429"} 2'));
  } finally {
    await server.close();
  }
});

Deno.test("GET /metrics wants HARTSLAG_METRICS_TOKEN when it is set", async () => {
  const server = await startTestServer("postgres", { env: { HARTSLAG_METRICS_TOKEN: "scrape" } });
  try {
    const without = await fetch(`${server.url}/metrics`);
    equal(without.status, 401);
    equal((await without.json()).error, "unauthorized");
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: "Bearer nope" },
    });
    equal(wrong.status, 401);
    await wrong.body?.cancel();
    const admin = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    equal(admin.status, 401, "the admin token is not the metrics token");
    await admin.body?.cancel();
    const right = await fetch(`${server.url}/metrics`, {
      headers: { authorization: "Bearer scrape" },
    });
    equal(right.status, 200);
    ok((await right.text()).includes("# TYPE hartslag_http_requests_total counter"));
  } finally {
    await server.close();
  }
});

Deno.test("logs: request lines carry the request id; the access log is off unless asked", {
  ignore: againstBundle,
}, async () => {
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-logs-" });
  const run = async (accessLog: string | undefined) => {
    const lines: Record<string, unknown>[] = [];
    const config = readConfig({
      PORT: "0",
      HARTSLAG_HOSTNAME: "127.0.0.1",
      HARTSLAG_DATA_DIR: dataDir,
      HARTSLAG_ADMIN_TOKEN: "admin",
      DATABASE_URL: db.url,
      HARTSLAG_ACCESS_LOG: accessLog,
    });
    const server = await startServer(config, {
      log: jsonLogger((line) => lines.push(JSON.parse(line))),
      kvPath: ":memory:",
    });
    try {
      for (const id of ["req-a", "req-b"]) {
        const res = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": id } });
        equal(res.headers.get("x-request-id"), id);
        await res.body?.cancel();
      }
      const generated = await fetch(`${server.url}/healthz`);
      await generated.body?.cancel();
      return { lines, generated: generated.headers.get("x-request-id") };
    } finally {
      await server.shutdown();
    }
  };
  try {
    const quiet = await run(undefined);
    equal(quiet.lines.filter((l) => l.msg === "request"), []);
    const loud = await run("all");
    const requests = loud.lines.filter((l) => l.msg === "request");
    equal(requests.map((l) => [l.requestId, l.route, l.status, l.level]), [
      ["req-a", "/healthz", 200, "info"],
      ["req-b", "/healthz", 200, "info"],
      [loud.generated, "/healthz", 200, "info"],
    ]);
    ok(/^[0-9a-f]{8}-[0-9a-z]+$/.test(String(loud.generated)));
    ok(requests.every((l) => typeof l.ms === "number" && typeof l.time === "string"));
  } finally {
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("shutdown finishes requests in flight and registered drains before the database closes", {
  ignore: againstBundle,
}, async () => {
  const server = await startTestServer("postgres");
  const api = client(server);
  const order: string[] = [];
  try {
    const app = await api.createApp();
    server.services.drains.push(async () => {
      await new Promise((r) => setTimeout(r, 100));
      // The database is still open while drains run.
      await sql`select 1`.execute(server.services.db);
      order.push("drain");
    });
    const inFlight = Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        try {
          const res = await api.heartbeat(app.token, { event: "late", user_id: i });
          await res.body?.cancel();
          return res.status;
        } catch {
          return 0; // not yet sent when the server stopped listening: not acknowledged
        }
      }),
    );
    // Stop once writes have reached the writer, while requests are still in flight.
    const writer = server.services.eventWriter;
    while (writer.queueDepth + writer.inFlight + writer.stats.items === 0) {
      await new Promise((r) => setTimeout(r, 1));
    }
    const stopped = server.shutdown().then(() => order.push("closed"));
    const statuses = await inFlight;
    await stopped;
    equal(order, ["drain", "closed"]);
    const created = statuses.filter((s) => s === 201).length;
    ok(created > 0, statuses.join());
    ok(statuses.every((s) => s === 201 || s === 503 || s === 0), statuses.join());
    const check = await import("postgres").then((m) =>
      m.default(server.databaseUrl!, { max: 1, onnotice: () => {} })
    );
    try {
      const [row] = await check`select count(*)::int as n from events where app_id = ${app.id}`;
      equal(row.n, created, "every 201 is stored");
    } finally {
      await check.end();
    }
  } finally {
    await server.close();
  }
});

Deno.test("HARTSLAG_KV_URL opens KV Connect at that URL with DENO_KV_ACCESS_TOKEN", {
  ignore: againstBundle,
}, async () => {
  const seen: { method: string; path: string; auth: string | null }[] = [];
  const fake = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    seen.push({
      method: req.method,
      path: new URL(req.url).pathname,
      auth: req.headers.get("authorization"),
    });
    await req.body?.cancel();
    return new Response("no database here", { status: 503 });
  });
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-kvurl-" });
  const previous = Deno.env.get("DENO_KV_ACCESS_TOKEN");
  Deno.env.set("DENO_KV_ACCESS_TOKEN", "kv-secret");
  try {
    const config = readConfig({
      PORT: "0",
      HARTSLAG_HOSTNAME: "127.0.0.1",
      HARTSLAG_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      HARTSLAG_KV_URL: `http://127.0.0.1:${fake.addr.port}`,
      DENO_KV_ACCESS_TOKEN: "kv-secret",
    });
    await rejects(
      startServer(config, { log: jsonLogger(() => {}) }),
      /Could not open Deno KV database/,
    );
    equal(seen[0], { method: "POST", path: "/", auth: "Bearer kv-secret" });
    equal([...Deno.readDirSync(dataDir)].map((e) => e.name), [], "no local KV file was made");
  } finally {
    if (previous === undefined) Deno.env.delete("DENO_KV_ACCESS_TOKEN");
    else Deno.env.set("DENO_KV_ACCESS_TOKEN", previous);
    await fake.shutdown();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
