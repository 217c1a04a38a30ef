import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { type Kysely, sql } from "kysely";
import { openDatabase } from "../lib/store/database.ts";
import type { Schema } from "../lib/store/schema.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { againstBundle, client, databaseChoices, startTestServer } from "./support/server.ts";
import { TcpProxy } from "./support/tcp_proxy.ts";

interface Run {
  name: string;
  id: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

for (const database of databaseChoices) {
  Deno.test(`AppSignal-style check-ins (§2) on ${database}`, async (t) => {
    const server = await startTestServer(database);
    const api = client(server);
    const app = await api.createApp();
    const post = (path: string, body?: string) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        body,
        headers: body ? { "content-type": "application/json" } : {},
      });
    const runs = async (name: string): Promise<Run[]> =>
      (await api.adminJson(`/api/v1/apps/${app.id}/runs?name=${encodeURIComponent(name)}`)).runs;
    const monitorNamed = async (name: string) =>
      (await api.adminJson(`/api/v1/apps/${app.id}/monitors`)).monitors
        .find((m: { name: string }) => m.name === name);
    try {
      await t.step("the docs' URL-parameter start and finish make one run", async () => {
        const key = `api_key=${app.token}`;
        const started = Math.floor(Date.now() / 1000) - 100;
        let res = await post(
          `/heartbeat?${key}&heartbeat=backup&timestamp=${started}&kind=Start&id=r1`,
        );
        equal(res.status, 200);
        equal(await res.json(), { accepted: 1 });
        // the docs spell the parameter "timetamp" in their full example
        res = await post(
          `/heartbeats?${key}&heartbeat=backup&timetamp=${
            started + 42
          }&kind=finish&id=r1&name=My%20app&environment=production`,
        );
        equal(res.status, 200);
        equal(await res.json(), { accepted: 1 });
        const [run] = await runs("backup");
        equal([run.id, run.duration_ms], ["r1", 42_000]);
        equal(run.started_at, new Date(started * 1000).toISOString());
        const monitor = await monitorNamed("backup");
        ok(monitor, "the monitor was created on first use");
        equal(monitor.status, "up");
      });

      await t.step("the docs' NDJSON example, objects on one line", async () => {
        const res = await post(
          `/heartbeats/json?api_key=${app.token}`,
          '{"name": "sync", "kind": "start", "timestamp": 1700000100, "id": "a"} ' +
            '{"name": "sync", "timestamp": 1700000105, "id": "a"}\n' +
            '{"name": "sync", "kind": "START", "timestamp": "2023-11-14T22:16:00Z"}\n' +
            '{"name": "sync", "timestamp": "2023-11-14T22:16:01.5Z"}\n',
        );
        equal(res.status, 200);
        equal(await res.json(), { accepted: 4 });
        const durations = (await runs("sync")).map((r) => r.duration_ms).sort();
        equal(durations, [1_500, 5_000]);
      });

      await t.step("without ids the latest open start is the one that finishes", async () => {
        const key = `api_key=${app.token}`;
        await post(`/heartbeat?${key}&heartbeat=nightly&kind=start&timestamp=1700000000`);
        await post(`/heartbeat?${key}&heartbeat=nightly&kind=start&timestamp=1700000010`);
        await post(`/heartbeat?${key}&heartbeat=nightly&timestamp=1700000013`);
        const finished = (await runs("nightly")).filter((r) => r.finished_at !== null);
        equal(finished.map((r) => r.duration_ms), [3_000]);
      });

      await t.step("a bad line fails the request, names the line, stores nothing", async () => {
        const res = await post(
          `/heartbeats/json?api_key=${app.token}`,
          '{"name":"atomic","kind":"start"}\n{"kind":"finish"}\n{"name":"atomic"}',
        );
        equal(res.status, 422);
        const body = await res.json();
        equal([body.error, body.line], ["validation_failed", 2]);
        ok(body.message.startsWith("line 2:"), body.message);
        equal(await monitorNamed("atomic"), undefined);
        const malformed = await post(`/heartbeats/json?api_key=${app.token}`, '{"name":');
        equal(malformed.status, 422);
        equal((await malformed.json()).line, 1);
        const noName = await post(`/heartbeat?api_key=${app.token}&kind=start`);
        equal(noName.status, 422);
        const badTime = await post(`/heartbeat?api_key=${app.token}&heartbeat=x&timestamp=soon`);
        equal(badTime.status, 422);
      });

      await t.step("a wrong or missing api_key is 401", async () => {
        for (const path of ["/heartbeat?heartbeat=x", "/heartbeat?api_key=nope&heartbeat=x"]) {
          const res = await post(path);
          equal(res.status, 401);
          equal(await res.json(), { error: "Unauthorized" });
        }
        const res = await post("/heartbeats/json?api_key=nope", '{"name":"x"}');
        equal(res.status, 401);
      });

      await t.step("a retried check-in with the same id is stored once", async () => {
        const path = `/heartbeat?api_key=${app.token}&heartbeat=retry&id=once`;
        for (let i = 0; i < 3; i++) equal((await post(`${path}&kind=start`)).status, 200);
        for (let i = 0; i < 3; i++) equal((await post(`${path}&kind=finish`)).status, 200);
        const stored = await runs("retry");
        equal(stored.length, 1);
        ok(stored[0].finished_at !== null);
      });

      await t.step("another app's token never reaches this app's monitors", async () => {
        const other = await api.createApp();
        await post(`/heartbeat?api_key=${other.token}&heartbeat=backup&kind=start&id=z`);
        equal((await runs("backup")).map((r) => r.id), ["r1"]);
      });
    } finally {
      await server.close();
    }
  });
}

/** What an app's check-ins left in the database: monitors, pings and runs, in a fixed order. */
async function storedCheckIns(db: Kysely<Schema>, appId: string) {
  const monitors = await db.selectFrom("monitors").select(["name", "n_pings"])
    .where("app_id", "=", appId).orderBy("name").execute();
  const pings = await db.selectFrom("monitor_pings as p")
    .innerJoin("monitors as m", "m.id", "p.monitor_id")
    .select(["m.name", "p.kind", "p.run_id"])
    .where("p.app_id", "=", appId).orderBy("m.name").orderBy("p.n").execute();
  const runs = await db.selectFrom("monitor_runs as r")
    .innerJoin("monitors as m", "m.id", "r.monitor_id")
    .select(["m.name", "r.client_id", "r.started_at", "r.finished_at"])
    .where("r.app_id", "=", appId).orderBy("m.name").orderBy("r.id").execute();
  return {
    monitors: monitors.map((m) => `${m.name}: ${m.n_pings} pings`),
    pings: pings.map((p) => `${p.name} ${p.kind} ${p.run_id ?? "-"}`),
    runs: runs.map((r) =>
      `${r.name} ${r.client_id ?? "-"} ${r.started_at ? "started" : "-"} ${
        r.finished_at ? "finished" : "open"
      }`
    ),
  };
}

/**
 * A trigger that makes the database itself fail (or stall) a ping with the given run id,
 * so a test can break a request's later line after its earlier lines were written.
 */
async function breakPingsWithRunId(
  db: Kysely<Schema>,
  runId: string,
  failure: "raise" | "sleep",
): Promise<() => Promise<void>> {
  const action = failure === "raise"
    ? sql`raise exception 'the test refuses pings with run id %', new.run_id`
    : sql`perform pg_sleep(30)`;
  await sql`
    create function test_break_ping() returns trigger language plpgsql as $$
    begin
      if new.run_id = ${sql.lit(runId)} then ${action}; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger test_break_ping before insert on monitor_pings
    for each row execute function test_break_ping()`.execute(db);
  return async () => {
    await sql`drop trigger test_break_ping on monitor_pings`.execute(db);
    await sql`drop function test_break_ping()`.execute(db);
  };
}

const postNdjson = (url: string, token: string, lines: unknown[]) =>
  fetch(`${url}/heartbeats/json?api_key=${token}`, {
    method: "POST",
    body: lines.map((line) => JSON.stringify(line)).join("\n"),
  });

for (const database of databaseChoices) {
  Deno.test({
    name: `a check-in line the database refuses stores none of the request (${database})`,
    ignore: againstBundle,
    async fn() {
      const server = await startTestServer(database);
      const db = server.services.db;
      try {
        const app = await client(server).createApp();
        const seeded = await postNdjson(server.url, app.token, [{ name: "existing" }]);
        equal(seeded.status, 200);
        await seeded.body?.cancel();
        const before = await storedCheckIns(db, app.id);
        equal(before, {
          monitors: ["existing: 1 pings"],
          pings: ["existing success -"],
          runs: ["existing - - finished"],
        });

        const lines = [
          { name: "backup", kind: "start", id: "r1" },
          { name: "backup", id: "r1" },
          { name: "existing", kind: "start" },
          { name: "report", kind: "start", id: "refused" },
        ];
        const repair = await breakPingsWithRunId(db, "refused", "raise");
        const refused = await postNdjson(server.url, app.token, lines);
        equal(refused.status, 503);
        ok(Number(refused.headers.get("retry-after")) >= 1, "Retry-After is a number of seconds");
        const body = await refused.json();
        equal(body.error, "Service Unavailable");
        ok(typeof body.message === "string" && body.message.length > 0);
        equal(
          await storedCheckIns(db, app.id),
          before,
          "the lines before the refused one are rolled back with it",
        );

        await repair();
        const accepted = await postNdjson(server.url, app.token, lines);
        equal(accepted.status, 200);
        equal(await accepted.json(), { accepted: 4 });
        equal(await storedCheckIns(db, app.id), {
          monitors: ["backup: 2 pings", "existing: 2 pings", "report: 1 pings"],
          pings: [
            "backup start r1",
            "backup success r1",
            "existing success -",
            "existing start -",
            "report start refused",
          ],
          runs: [
            "backup r1 started finished",
            "existing - - finished",
            "existing - started open",
            "report refused started open",
          ],
        });
      } finally {
        await server.close();
      }
    },
  });
}

Deno.test("a database cut off midway through a check-in request keeps none of it; the retry stores it once", async () => {
  const pg = await createTestDatabase();
  const proxy = new TcpProxy({ hostname: "127.0.0.1", port: Number(new URL(pg.url).port) });
  proxy.start();
  const proxied = new URL(pg.url);
  proxied.port = String(proxy.port);
  const server = await startTestServer("postgres", { env: { DATABASE_URL: proxied.toString() } });
  // The test's own connection goes around the proxy.
  const direct = await openDatabase({ url: pg.url, dataDir: "", poolSize: 2 });
  const db = direct.db;
  try {
    const app = await client(server).createApp();
    const lines = [
      { name: "backup", kind: "start", id: "r1" },
      { name: "backup", id: "r1" },
      { name: "report", kind: "start", id: "stalls" },
    ];
    const repair = await breakPingsWithRunId(db, "stalls", "sleep");
    const pending = postNdjson(server.url, app.token, lines);
    // The request's transaction has written the first two lines and sleeps in the third.
    const sleeping = async () => {
      const { rows } = await sql<{ pid: number }>`
        select pid from pg_stat_activity
        where datname = current_database() and wait_event = 'PgSleep'`.execute(db);
      return rows.map((r) => r.pid);
    };
    const started = Date.now();
    while ((await sleeping()).length === 0) {
      ok(Date.now() - started < 10_000, "the request never reached its third line");
      await new Promise((r) => setTimeout(r, 20));
    }
    proxy.refuse();
    const cut = await pending;
    equal(cut.status, 503);
    ok(Number(cut.headers.get("retry-after")) >= 1);
    equal((await cut.json()).error, "Service Unavailable");
    // The server's session is gone but PostgreSQL notices only when the sleep ends: end it.
    for (const pid of await sleeping()) {
      await sql`select pg_terminate_backend(${pid})`.execute(db);
    }
    equal(await storedCheckIns(db, app.id), { monitors: [], pings: [], runs: [] });

    await repair();
    proxy.forward();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      const retry = await postNdjson(server.url, app.token, lines);
      status = retry.status;
      await retry.body?.cancel();
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    equal(status, 200);
    equal(await storedCheckIns(db, app.id), {
      monitors: ["backup: 2 pings", "report: 1 pings"],
      pings: ["backup start r1", "backup success r1", "report start stalls"],
      runs: ["backup r1 started finished", "report stalls started open"],
    });
  } finally {
    await server.close();
    proxy.close();
    await direct.close();
    await pg.drop();
  }
});

Deno.test("concurrent check-in requests naming the same monitors in opposite orders all succeed", async () => {
  const server = await startTestServer("postgres");
  const api = client(server);
  try {
    const app = await api.createApp();
    const names = ["alpha", "beta", "gamma"];
    const statuses = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
      const order = i % 2 ? names : names.toReversed();
      const res = await postNdjson(server.url, app.token, order.map((name) => ({ name })));
      await res.body?.cancel();
      return res.status;
    }));
    equal(statuses.filter((s) => s !== 200), []);
    const monitors = (await api.adminJson(`/api/v1/apps/${app.id}/monitors`)).monitors;
    equal(
      monitors.map((m: { name: string }) => m.name).sort(),
      names,
    );
    const pings = await Promise.all(
      monitors.map(async (m: { id: string }) =>
        (await api.adminJson(`/api/v1/monitors/${m.id}/pings?limit=1000`)).pings.length
      ),
    );
    equal(pings, [30, 30, 30]);
  } finally {
    await server.close();
  }
});

Deno.test("concurrent retries of a check-in with the same id store it once", async () => {
  const server = await startTestServer("postgres");
  const api = client(server);
  try {
    const app = await api.createApp();
    const path = `${server.url}/heartbeat?api_key=${app.token}&heartbeat=racing&id=run-1`;
    for (const kind of ["start", "finish"]) {
      const statuses = await Promise.all(Array.from({ length: 20 }, async () => {
        const res = await fetch(`${path}&kind=${kind}`, { method: "POST" });
        await res.body?.cancel();
        return res.status;
      }));
      equal(statuses.filter((s) => s !== 200), []);
    }
    const { runs } = await api.adminJson(`/api/v1/apps/${app.id}/runs?name=racing`);
    equal(runs.length, 1);
    equal(runs[0].id, "run-1");
    ok(runs[0].finished_at !== null);
  } finally {
    await server.close();
  }
});
