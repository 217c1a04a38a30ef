import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { newId } from "../lib/domain/ids.ts";
import { sql } from "kysely";
import {
  PING_RETENTION,
  recordPing,
  recordPingByName,
  RUN_RETENTION,
} from "../lib/store/monitors.ts";
import { monitorClient } from "./support/monitors.ts";
import { againstBundle, databaseChoices, startTestServer } from "./support/server.ts";

for (const database of databaseChoices) {
  Deno.test(`monitor management and pings (§4, §5) on ${database}`, async (t) => {
    const server = await startTestServer(database, {
      env: { HARTSLAG_BASE_URL: "https://hb.example.com" },
    });
    const api = monitorClient(server);
    try {
      const app = await api.createApp("Jobs", "Europe/Amsterdam");
      let monitorId = "";

      await t.step("POST /apps/:app/monitors answers 201 with the ping URL", async () => {
        const res = await api.send("POST", `/api/v1/apps/${app.id}/monitors`, {
          name: "Daily DB backup",
          interval_s: 86_400,
          grace_s: 600,
        });
        equal(res.status, 201);
        monitorId = res.body.id;
        ok(/^mon_/.test(monitorId));
        equal(res.body.name, "Daily DB backup");
        equal(res.body.status, "new");
        equal(res.body.interval_s, 86_400);
        equal(res.body.grace_s, 600);
        equal(res.body.ping_url, `https://hb.example.com/api/v1/hb/${monitorId}`);
        equal(res.body.last_ping_at, null);
        equal(res.body.next_due_at, null);
      });

      await t.step("bad monitor bodies are 422, a taken name 409, unknown app 404", async () => {
        const bad = [
          { name: "x", grace_s: 1 },
          { name: "x", interval_s: 60, cron: "* * * * *", grace_s: 1 },
          { name: "x", cron: "* * * * * *", grace_s: 1 },
          { name: "x", cron: "0 9 * * *", timezone: "Mars/Olympus", grace_s: 1 },
          { name: "x", interval_s: 0, grace_s: 1 },
          { name: "x", interval_s: 60 },
          { name: "", interval_s: 60, grace_s: 1 },
          { name: "x", kind: "events", grace_s: 1 },
        ];
        for (const body of bad) {
          const res = await api.send("POST", `/api/v1/apps/${app.id}/monitors`, body);
          equal(res.status, 422, JSON.stringify(body));
          equal(res.body.error, "validation_failed");
        }
        const taken = await api.send("POST", `/api/v1/apps/${app.id}/monitors`, {
          name: "Daily DB backup",
          interval_s: 60,
          grace_s: 1,
        });
        equal(taken.status, 409);
        const missing = await api.send("POST", `/api/v1/apps/app_nope/monitors`, {
          name: "y",
          interval_s: 60,
          grace_s: 1,
        });
        equal(missing.status, 404);
      });

      await t.step("cron monitors default to the app's timezone", async () => {
        const m = await api.createMonitor(app.id, {
          name: "nightly",
          cron: "30 2 * * *",
          grace_s: 300,
        });
        equal(m.cron, "30 2 * * *");
        equal(m.timezone, "Europe/Amsterdam");
        equal(m.interval_s, null);
        const ny = await api.createMonitor(app.id, {
          name: "ny",
          cron: "0 9 * * 1-5",
          timezone: "America/New_York",
          grace_s: 300,
        });
        equal(ny.timezone, "America/New_York");
        await api.ping(ny.id);
        const after = await api.monitor(ny.id);
        equal(after.status, "up");
        ok(new Date(after.next_due_at) > new Date(after.last_ping_at));
      });

      await t.step("GET, POST and HEAD ping; /start, /fail and exit statuses", async () => {
        for (const method of ["GET", "POST", "HEAD"]) {
          const res = await fetch(`${server.url}/api/v1/hb/${monitorId}`, { method });
          equal(res.status, 200);
          equal(await res.text(), method === "HEAD" ? "" : "OK");
          equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
        }
        equal((await api.monitor(monitorId)).status, "up");
        for (const action of ["start", "fail", "0", "1", "255"]) {
          equal(await api.ping(monitorId, action), { status: 200, text: "OK" });
        }
        for (const action of ["256", "-1", "stop", "01x"]) {
          equal((await api.ping(monitorId, action)).status, 404, action);
        }
        equal(await api.ping("mon_unknown"), { status: 404, text: "not found" });
        equal((await api.ping("mon_unknown", "start")).status, 404);
        const pings = (await api.adminJson(`/api/v1/monitors/${monitorId}/pings`)).pings;
        equal(
          pings.map((p: { kind: string; exit_status: number | null; method: string }) => [
            p.kind,
            p.exit_status,
            p.method,
          ]),
          [
            ["fail", 255, "POST"],
            ["fail", 1, "POST"],
            ["success", 0, "POST"],
            ["fail", null, "POST"],
            ["start", null, "POST"],
            ["success", null, "HEAD"],
            ["success", null, "POST"],
            ["success", null, "GET"],
          ],
        );
        // The last ping was exit status 255: down until a success.
        equal((await api.monitor(monitorId)).status, "down");
        await api.ping(monitorId);
        equal((await api.monitor(monitorId)).status, "up");
      });

      await t.step("a ping's body is kept: the first 100 KB, longer ones truncated", async () => {
        equal(
          (await api.ping(monitorId, "", { method: "POST", body: "backup: 42 GB" })).status,
          200,
        );
        const big = "x".repeat(150 * 1024);
        equal(await api.ping(monitorId, "1", { method: "POST", body: big }), {
          status: 200,
          text: "OK",
        });
        const [last, previous] =
          (await api.adminJson(`/api/v1/monitors/${monitorId}/pings?limit=2`))
            .pings;
        equal(previous.body, "backup: 42 GB");
        equal(previous.body_truncated, false);
        equal(last.body.length, 100 * 1024);
        equal(last.body_truncated, true);
        await api.ping(monitorId);
      });

      await t.step("a start and a success make a run with a duration", async () => {
        const m = await api.createMonitor(app.id, { name: "etl", interval_s: 3600, grace_s: 60 });
        await api.ping(m.id, "start");
        const running = await api.monitor(m.id);
        equal(running.status, "new");
        ok(running.last_start_at);
        await new Promise((r) => setTimeout(r, 120));
        await api.ping(m.id);
        await api.ping(m.id, "start?rid=a");
        await api.ping(m.id, "start?rid=b");
        await api.ping(m.id, "0?rid=a");
        await api.ping(m.id, "fail?rid=b");
        const { runs } = await api.adminJson(`/api/v1/apps/${app.id}/runs?name=etl`);
        equal(runs.length, 3);
        equal(runs.map((r: { id: string; outcome: string }) => [r.id, r.outcome]).slice(0, 2), [
          ["b", "fail"],
          ["a", "success"],
        ]);
        const first = runs[2];
        equal(first.name, "etl");
        equal(first.outcome, "success");
        ok(first.duration_ms >= 100, String(first.duration_ms));
        equal(
          new Date(first.finished_at).getTime() - new Date(first.started_at).getTime(),
          first.duration_ms,
        );
        equal((await api.send("GET", `/api/v1/apps/${app.id}/runs`)).status, 422);
      });

      await t.step("PATCH edits the schedule and grace; DELETE removes", async () => {
        const res = await api.send("PATCH", `/api/v1/monitors/${monitorId}`, {
          cron: "*/5 * * * *",
          timezone: "Asia/Kathmandu",
          grace_s: 120,
        });
        equal(res.status, 200);
        equal([res.body.cron, res.body.timezone, res.body.interval_s, res.body.grace_s], [
          "*/5 * * * *",
          "Asia/Kathmandu",
          null,
          120,
        ]);
        const back = await api.send("PATCH", `/api/v1/monitors/${monitorId}`, { interval_s: 30 });
        equal([back.body.cron, back.body.interval_s], [null, 30]);
        equal(
          (await api.send("PATCH", `/api/v1/monitors/${monitorId}`, { name: "etl" })).status,
          409,
        );
        equal(
          (await api.send("PATCH", `/api/v1/monitors/${monitorId}`, { grace_s: -1 })).status,
          422,
        );
        const temp = await api.createMonitor(app.id, { name: "temp", interval_s: 60, grace_s: 1 });
        equal((await api.send("DELETE", `/api/v1/monitors/${temp.id}`)).status, 204);
        equal((await api.send("GET", `/api/v1/monitors/${temp.id}`)).status, 404);
        equal((await api.ping(temp.id)).status, 404);
      });

      await t.step("paused stays paused when pinged; resume makes it new", async () => {
        const paused = await api.send("POST", `/api/v1/monitors/${monitorId}/pause`);
        equal(paused.status, 200);
        equal(paused.body.status, "paused");
        await api.ping(monitorId);
        await api.ping(monitorId, "fail");
        equal((await api.monitor(monitorId)).status, "paused");
        const resumed = await api.send("POST", `/api/v1/monitors/${monitorId}/resume`);
        equal(resumed.body.status, "new");
        await api.ping(monitorId);
        equal((await api.monitor(monitorId)).status, "up");
        equal((await api.send("POST", `/api/v1/monitors/mon_nope/pause`)).status, 404);
      });

      await t.step("lists: the app's monitors", async () => {
        const { monitors } = await api.adminJson(`/api/v1/apps/${app.id}/monitors`);
        equal(
          monitors.map((m: { name: string }) => m.name),
          ["Daily DB backup", "etl", "nightly", "ny"],
        );
      });

      await t.step("the management calls need the admin token", async () => {
        for (
          const [method, path] of [
            ["GET", `/api/v1/monitors/${monitorId}`],
            ["POST", `/api/v1/monitors/${monitorId}/pause`],
            ["GET", `/api/v1/apps/${app.id}/monitors`],
            ["POST", `/api/v1/apps/${app.id}/channels`],
          ]
        ) {
          const res = await fetch(`${server.url}${path}`, { method });
          equal(res.status, 401, `${method} ${path}`);
          await res.body?.cancel();
        }
      });

      await t.step("channels: webhook, slack; bad ones are 422; email needs SMTP", async () => {
        const hook = await api.createChannel(app.id, {
          kind: "webhook",
          url: "http://127.0.0.1:9/hook",
        });
        ok(/^chn_/.test(hook.id));
        ok(hook.secret && hook.secret.length > 16, "the signing secret is shown once");
        const slack = await api.createChannel(app.id, {
          kind: "slack",
          url: "https://hooks.slack.test/x",
        });
        equal(slack.kind, "slack");
        for (
          const body of [
            { kind: "webhook", url: "ftp://x" },
            { kind: "pager" },
            { kind: "slack" },
            { kind: "email", to: "ops@example.com" },
          ]
        ) {
          equal((await api.send("POST", `/api/v1/apps/${app.id}/channels`, body)).status, 422);
        }
        const { channels } = await api.adminJson(`/api/v1/apps/${app.id}/channels`);
        equal(channels.length, 2);
        equal(channels[0].secret, undefined);
        equal(
          (await api.send("DELETE", `/api/v1/apps/${app.id}/channels/${slack.id}`)).status,
          204,
        );
        equal(
          (await api.send("DELETE", `/api/v1/apps/${app.id}/channels/${slack.id}`)).status,
          404,
        );
      });
    } finally {
      await server.close();
    }
  });
}

Deno.test("check-ins by name: the monitor is created on first use and runs pair up", {
  ignore: againstBundle,
}, async () => {
  const server = await startTestServer("postgres");
  const api = monitorClient(server);
  try {
    const app = await api.createApp();
    const db = server.services.db;
    const t0 = new Date(Date.now() - 60_000);
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const checkin = (kind: "start" | "success" | "fail", ms: number, runId?: string) =>
      recordPingByName(
        db,
        app.id,
        "nightly-sync",
        {
          kind,
          at: at(ms),
          source: "checkin",
          runId,
        },
        new Date(),
        () => newId("mon"),
      );
    // Five first check-ins at once make one monitor.
    await Promise.all([1, 2, 3, 4, 5].map((i) => checkin("start", i * 10, `r${i}`)));
    const { monitors } = await api.adminJson(`/api/v1/apps/${app.id}/monitors`);
    equal(monitors.length, 1);
    equal([monitors[0].name, monitors[0].status, monitors[0].interval_s, monitors[0].grace_s], [
      "nightly-sync",
      "new",
      86_400,
      3_600,
    ]);
    const done = await checkin("success", 5_030, "r3");
    equal(done.monitor.status, "up");
    equal(done.flip?.to, "up");
    await checkin("start", 10_000);
    await checkin("fail", 12_500);
    const { runs } = await api.adminJson(`/api/v1/apps/${app.id}/runs?name=nightly-sync`);
    const byId = Object.fromEntries(runs.map((r: { id: string }) => [r.id, r]));
    equal(byId.r3.duration_ms, 5_000);
    equal(byId.r3.outcome, "success");
    equal(byId.r3.started_at, at(30).toISOString());
    equal(byId.r1.finished_at, null);
    const unnamed = runs[0];
    equal([unnamed.duration_ms, unnamed.outcome], [2_500, "fail"]);
    equal((await api.monitor(monitors[0].id)).status, "down");
  } finally {
    await server.close();
  }
});

Deno.test("the ping log keeps the latest pings and runs of each monitor", {
  ignore: againstBundle,
}, async () => {
  const server = await startTestServer("postgres");
  const api = monitorClient(server);
  try {
    const app = await api.createApp();
    const m = await api.createMonitor(app.id, { name: "chatty", interval_s: 60, grace_s: 60 });
    for (let i = 1; i <= PING_RETENTION + 100; i++) {
      await recordPing(server.services.db, m.id, {
        kind: "success",
        at: new Date(),
        source: "http",
        body: String(i),
      }, new Date());
    }
    const { pings } = await api.adminJson(`/api/v1/monitors/${m.id}/pings?limit=1000`);
    equal(pings.length, PING_RETENTION);
    equal(pings[0].body, String(PING_RETENTION + 100));
    equal(pings.at(-1).body, "101");
    const [{ count }] = (await sql<{ count: string }>`
      select count(*)::text as count from monitor_runs where monitor_id = ${m.id}`
      .execute(server.services.db)).rows;
    equal(Number(count), RUN_RETENTION);
  } finally {
    await server.close();
  }
});
