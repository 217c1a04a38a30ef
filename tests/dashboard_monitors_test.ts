import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { Browser, operatorEnv } from "./support/dashboard.ts";
import { monitorClient } from "./support/monitors.ts";
import { startReceiver } from "./support/receiver.ts";
import { databaseChoices, startTestServer } from "./support/server.ts";

const SCRIPT_NAME = `<script>window.pwned = 1</script> nightly`;

/** The status badge shown in the board's row of a monitor. */
function badgeOf(html: string, monitorId: string): string | undefined {
  const row = html.split(`data-monitor="${monitorId}"`)[1]?.split("</tr>")[0];
  return row?.match(/data-status="([a-z]+)"/)?.[1];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const database of databaseChoices) {
  Deno.test(`dashboard monitors on ${database}`, async (t) => {
    const server = await startTestServer(database, { env: operatorEnv });
    const api = monitorClient(server);
    const browser = new Browser(server.url);
    try {
      const app = await api.createApp("Back office", "Europe/Amsterdam");
      const other = await api.createApp("Elsewhere");
      const board = `/apps/${app.id}/monitors`;

      await t.step("signed out, the board and its status feed send you to sign in", async () => {
        for (const path of [board, `/apps/${app.id}/monitors.json`, `${board}/mon_x`]) {
          const res = await browser.fetch(path);
          await res.body?.cancel();
          equal(res.status, 303, path);
          ok(res.headers.get("location")!.startsWith("/login"));
        }
      });

      await browser.signIn();
      let scriptId = "";

      await t.step("the create form needs the CSRF token", async () => {
        const res = await browser.submit(board, {
          _csrf: "forged",
          name: "forged",
          schedule: "interval",
          interval_s: "60",
          grace_s: "60",
        });
        equal(res.status, 403);
        await res.body?.cancel();
        equal((await api.adminJson(`/api/v1/apps/${app.id}/monitors`)).monitors.length, 0);
      });

      await t.step("a monitor is created from the form, its name kept as text", async () => {
        const res = await browser.submit(board, {
          name: SCRIPT_NAME,
          schedule: "interval",
          interval_s: "3600",
          grace_s: "300",
        });
        equal(res.status, 303);
        const [created] = (await api.adminJson(`/api/v1/apps/${app.id}/monitors`)).monitors;
        scriptId = created.id;
        equal(created.name, SCRIPT_NAME);
        equal(created.interval_s, 3600);
        equal(created.grace_s, 300);
        equal(res.headers.get("location"), `${board}/${scriptId}?done=created`);
        const { status, html } = await browser.page(res.headers.get("location")!);
        equal(status, 200);
        ok(html.includes("Monitor created."));
        ok(html.includes(`/api/v1/hb/${scriptId}`));
        ok(!html.includes("<script>window.pwned"), "the name is escaped");
        ok(html.includes("<h1>&lt;script>window.pwned = 1&lt;/script> nightly"));
      });

      await t.step("a cron monitor takes its timezone; bad input is explained", async () => {
        const res = await browser.submit(board, {
          name: "backup",
          schedule: "cron",
          cron: "0 3 * * *",
          timezone: "America/New_York",
          grace_s: "600",
        });
        equal(res.status, 303);
        await res.body?.cancel();
        const backup = (await api.adminJson(`/api/v1/apps/${app.id}/monitors`)).monitors
          .find((m: { name: string }) => m.name === "backup");
        equal([backup.cron, backup.timezone, backup.interval_s], [
          "0 3 * * *",
          "America/New_York",
          null,
        ]);

        const bad = await browser.submit(board, {
          name: "bad",
          schedule: "interval",
          interval_s: "0",
          grace_s: "-1",
        });
        equal(bad.status, 422);
        const html = await bad.text();
        ok(html.includes("The interval is a whole number of seconds"));
        ok(html.includes("The grace period is a whole number of seconds"));
        const badCron = await browser.submit(board, {
          name: "bad cron",
          schedule: "cron",
          cron: "every day",
          grace_s: "60",
        });
        equal(badCron.status, 422);
        ok((await badCron.text()).includes("The cron expression"));
        const twice = await browser.submit(board, {
          name: "backup",
          schedule: "interval",
          interval_s: "60",
          grace_s: "60",
        });
        equal(twice.status, 409);
        ok((await twice.text()).includes("already has a monitor of that name"));
        equal((await api.adminJson(`/api/v1/apps/${app.id}/monitors`)).monitors.length, 2);
      });

      const ids: Record<string, string> = {};
      await t.step(
        "the board shows each status as a word: up, late, down, paused, new",
        async () => {
          for (const [name, interval_s] of [["up", 3600], ["late", 1], ["down", 3600]] as const) {
            ids[name] = (await api.createMonitor(app.id, { name, interval_s, grace_s: 3600 })).id;
          }
          ids.paused =
            (await api.createMonitor(app.id, { name: "paused", interval_s: 60, grace_s: 60 }))
              .id;
          equal((await api.ping(ids.up)).status, 200);
          equal((await api.ping(ids.late)).status, 200);
          equal((await api.ping(ids.down, "fail")).status, 200);
          equal((await api.send("POST", `/api/v1/monitors/${ids.paused}/pause`)).status, 200);
          await sleep(1100); // "late" is due a second after its ping

          const { status, html } = await browser.page(board);
          equal(status, 200);
          equal(badgeOf(html, ids.up), "up");
          equal(badgeOf(html, ids.late), "late");
          equal(badgeOf(html, ids.down), "down");
          equal(badgeOf(html, ids.paused), "paused");
          equal(badgeOf(html, scriptId), "new");
          for (const word of ["Up", "Late", "Down", "Paused", "New"]) {
            ok(html.includes(`</span>${word}</span>`), word);
          }
          ok(html.includes('data-island="MonitorBoard"'));
          ok(!html.includes("<script>window.pwned"), "escaped on the board and in island props");
          // Down first, then late: open incidents lead the board.
          ok(
            html.indexOf(`data-monitor="${ids.down}"`) < html.indexOf(`data-monitor="${ids.late}"`),
          );
          ok(html.indexOf(`data-monitor="${ids.late}"`) < html.indexOf(`data-monitor="${ids.up}"`));
        },
      );

      await t.step("the status feed answers JSON for the board's island", async () => {
        const res = await browser.fetch(`/apps/${app.id}/monitors.json`);
        equal(res.status, 200);
        ok(res.headers.get("content-type")!.startsWith("application/json"));
        const body = await res.json();
        const byName = Object.fromEntries(
          body.monitors.map((m: { name: string; status: string }) => [m.name, m.status]),
        );
        equal(byName, {
          [SCRIPT_NAME]: "new",
          backup: "new",
          up: "up",
          late: "late",
          down: "down",
          paused: "paused",
        });
        equal(body.monitors[0].name, "down");
        const wrongApp = await browser.fetch(`/apps/app_nope/monitors.json`);
        equal(wrongApp.status, 404);
        await wrongApp.body?.cancel();
      });

      await t.step("the overview lists every monitor, open incidents first", async () => {
        const { html } = await browser.page("/");
        ok(html.includes('id="monitors-heading"'));
        ok(html.includes("1 open incident: listed first."));
        ok(html.indexOf(`data-monitor="${ids.down}"`) < html.indexOf(`data-monitor="${ids.up}"`));
        equal(badgeOf(html, ids.down), "down");
        ok(!html.includes("<script>window.pwned"));
      });

      await t.step("the monitor page shows pings with escaped bodies and runs", async () => {
        equal((await api.ping(ids.up, "start")).status, 200);
        await sleep(20);
        const body = `line one\n<img src=x onerror="window.pwned = 2">\nexit 0`;
        equal((await api.ping(ids.up, "", { method: "POST", body })).status, 200);
        const { status, html } = await browser.page(`${board}/${ids.up}`);
        equal(status, 200);
        ok(html.includes('class="ping-body"'));
        ok(html.includes("&lt;img src=x onerror="), "the body is escaped");
        ok(!html.includes("<img src=x"), "no raw markup from a ping body");
        ok(html.includes("<details"), "bodies are collapsed");
        ok(html.includes('id="runs-heading"'));
        ok(/<td class="num">\d+ ms<\/td>|<td class="num">[\d.]+ s<\/td>/.test(html), "a duration");
      });

      await t.step("pause and resume are forms with the CSRF token", async () => {
        const page = `${board}/${ids.up}`;
        const forged = await browser.submit(`${page}/pause`, { _csrf: "nope" });
        equal(forged.status, 403);
        await forged.body?.cancel();
        equal((await api.monitor(ids.up)).status, "up");

        const paused = await browser.submit(`${page}/pause`, {}, page);
        equal(paused.status, 303);
        equal(paused.headers.get("location"), `${page}?done=paused`);
        await paused.body?.cancel();
        equal((await api.monitor(ids.up)).status, "paused");
        const { html } = await browser.page(`${page}?done=paused`);
        ok(html.includes("Monitor paused"));
        ok(html.includes(">Resume</button>"));

        const resumed = await browser.submit(`${page}/resume`, {}, page);
        equal(resumed.status, 303);
        await resumed.body?.cancel();
        equal((await api.monitor(ids.up)).status, "new");
      });

      await t.step("schedule and grace are edited on the monitor page", async () => {
        const page = `${board}/${ids.up}`;
        const res = await browser.submit(page, {
          name: "up",
          schedule: "interval",
          interval_s: "7200",
          grace_s: "90",
        });
        equal(res.status, 303);
        await res.body?.cancel();
        const edited = await api.monitor(ids.up);
        equal([edited.interval_s, edited.grace_s, edited.cron], [7200, 90, null]);

        const toCron = await browser.submit(page, {
          name: "up",
          schedule: "cron",
          cron: "*/5 * * * *",
          timezone: "Europe/Amsterdam",
          grace_s: "90",
        });
        equal(toCron.status, 303);
        await toCron.body?.cancel();
        const cron = await api.monitor(ids.up);
        equal([cron.cron, cron.timezone, cron.interval_s], [
          "*/5 * * * *",
          "Europe/Amsterdam",
          null,
        ]);

        const bad = await browser.submit(page, {
          name: "",
          schedule: "interval",
          interval_s: "60",
          grace_s: "60",
        });
        equal(bad.status, 422);
        ok((await bad.text()).includes("Give the monitor a name"));
      });

      await t.step(
        "beacons: create one, its token shown once, rotate with confirmation",
        async () => {
          const settings = `/settings/apps/${app.id}`;
          const res = await browser.submit(settings, {
            intent: "create-beacon",
            name: "<b>signup</b>",
            limit_count: "",
            limit_window_s: "",
          });
          equal(res.status, 201);
          const html = await res.text();
          const url = html.match(/id="beacon-url"[^>]*value="([^"]+)"/)?.[1];
          ok(url?.startsWith(`${server.url}/api/v1/beet/beet_`), url);
          ok(html.includes("Beacon “&lt;b>signup&lt;/b>” created"));
          ok(!html.includes("<b>signup</b>"));
          const hit = await fetch(url!, { method: "POST", body: "{}" });
          await hit.body?.cancel();
          ok(hit.status < 300, `beacon hit: ${hit.status}`);

          const page = await browser.page(settings);
          equal(page.status, 200);
          ok(!page.html.includes('id="beacon-url"'), "the token is not shown again");
          const beaconId = page.html.match(/data-beacon="(bcn_[^"]+)"/)![1];
          const rotatePath = `${settings}/beacons/${beaconId}/rotate`;
          const wrong = await browser.submit(rotatePath, { confirm: "signup" });
          equal(wrong.status, 422);
          ok((await wrong.text()).includes("Type the beacon's name exactly"));
          const rotated = await browser.submit(rotatePath, { confirm: "<b>signup</b>" });
          equal(rotated.status, 200);
          const next = (await rotated.text()).match(/id="beacon-url"[^>]*value="([^"]+)"/)?.[1];
          ok(next && next !== url, "a new URL");
          const twice = await browser.submit(settings, {
            intent: "create-beacon",
            name: "<b>signup</b>",
          });
          equal(twice.status, 409);
          await twice.body?.cancel();
        },
      );

      await t.step(
        "beacons: change a beacon's limit from the settings page; it applies at once",
        async () => {
          const settings = `/settings/apps/${app.id}`;
          const created = await api.send("POST", `/api/v1/apps/${app.id}/beacons`, {
            name: "<i>checkout</i>",
            limit: { count: 1, window_s: 3_600 },
          });
          equal(created.status, 201);
          const beacon = created.body as { id: string; url: string };
          const hit = async () => {
            const res = await fetch(beacon.url);
            await res.body?.cancel();
            return res.status;
          };
          equal([await hit(), await hit()], [200, 429]);
          const limitPath = `${settings}/beacons/${beacon.id}/limit`;
          ok((await browser.page(settings)).html.includes(`href="${limitPath}"`));

          const form = await browser.page(limitPath);
          equal(form.status, 200);
          ok(form.html.includes("Limit of beacon &lt;i>checkout&lt;/i>"), "the name is escaped");
          ok(!form.html.includes("<i>checkout</i>"));
          ok(/name="limit_count"[^>]*value="1"/.test(form.html), "the current limit is filled in");
          ok(/name="limit_window_s"[^>]*value="3600"/.test(form.html));

          const stored = async () =>
            (await api.adminJson(`/api/v1/apps/${app.id}/beacons/${beacon.id}`)).limit;
          for (
            const fields of [
              { limit_count: "0", limit_window_s: "60" },
              { limit_count: "5", limit_window_s: "" },
              { limit_count: "many", limit_window_s: "60" },
              { limit_count: "5", limit_window_s: "86401" },
            ]
          ) {
            const bad = await browser.submit(limitPath, fields);
            equal(bad.status, 422, JSON.stringify(fields));
            const html = await bad.text();
            ok(html.includes("A limit needs both a count"), JSON.stringify(fields));
            ok(html.includes(`value="${fields.limit_count}"`), "what was typed stays");
          }
          equal(await stored(), { count: 1, window_s: 3_600, default: false });
          const forged = await browser.submit(limitPath, {
            limit_count: "99",
            limit_window_s: "60",
            _csrf: "csrf_wrong",
          });
          equal(forged.status, 403);
          await forged.body?.cancel();

          const saved = await browser.submit(limitPath, {
            limit_count: " 3 ",
            limit_window_s: "3600",
          });
          equal(saved.status, 303);
          equal(saved.headers.get("location"), `${settings}?done=limit#beacons-heading`);
          await saved.body?.cancel();
          equal(await stored(), { count: 3, window_s: 3_600, default: false });
          equal([await hit(), await hit(), await hit()], [200, 200, 429]);
          const back = await browser.page(`${settings}?done=limit`);
          ok(back.html.includes("Beacon limit saved"));
          ok(back.html.includes("3 per 3600 s"));

          const reset = await browser.submit(limitPath, { limit_count: "", limit_window_s: "" });
          equal(reset.status, 303);
          await reset.body?.cancel();
          equal(await stored(), { count: 60, window_s: 10, default: true });
          equal(await hit(), 200, "the default limit is larger than the hits counted");

          const missing = await browser.fetch(`${settings}/beacons/bcn_nope/limit`, {
            headers: { accept: "text/html" },
          });
          equal(missing.status, 404);
          await missing.body?.cancel();
          const elsewhere = await browser.fetch(
            `/settings/apps/${other.id}/beacons/${beacon.id}/limit`,
            { headers: { accept: "text/html" } },
          );
          equal(elsewhere.status, 404, "a beacon is found only under its own app");
          await elsewhere.body?.cancel();
        },
      );

      await t.step("alert channels: add a webhook and send it a test alert", async () => {
        const receiver = startReceiver();
        try {
          const settings = `/settings/apps/${app.id}`;
          const bad = await browser.submit(settings, {
            intent: "create-channel",
            kind: "webhook",
            url: "javascript:alert(1)",
          });
          equal(bad.status, 422);
          ok((await bad.text()).includes("Give an http:// or https:// URL"));
          const res = await browser.submit(settings, {
            intent: "create-channel",
            kind: "webhook",
            url: `${receiver.url}/hook`,
          });
          equal(res.status, 201);
          const html = await res.text();
          ok(/id="channel-secret"[^>]*value="whsec_/.test(html), "the secret is shown once");
          const channelId = (await browser.page(settings)).html.match(/data-channel="([^"]+)"/)![1];
          const tested = await browser.submit(settings, {
            intent: "test-channel",
            channel: channelId,
          });
          equal(tested.status, 200);
          ok((await tested.text()).includes("Test alert sent to webhook"));
          const [got] = await receiver.waitFor(1);
          equal(got.json.type, "monitor.up");
          equal((got.json.monitor as { name: string }).name, "Test alert");
          ok(got.headers.get("x-hartslag-signature-256")?.startsWith("sha256="));
          // A test records no delivery.
          equal((await api.deliveries(ids.down)).length, 0);

          const failing = await browser.submit(settings, {
            intent: "create-channel",
            kind: "slack",
            url: "http://127.0.0.1:9/nothing-listens",
          });
          equal(failing.status, 201);
          await failing.body?.cancel();
          const slackId = [
            ...(await browser.page(settings)).html.matchAll(/data-channel="([^"]+)"/g),
          ]
            .map((m) => m[1]).find((id) => id !== channelId)!;
          const failed = await browser.submit(settings, {
            intent: "test-channel",
            channel: slackId,
          });
          equal(failed.status, 200);
          ok((await failed.text()).includes("The test alert to slack"));
        } finally {
          await receiver.close();
        }
      });

      await t.step("a monitor is only shown under its own app", async () => {
        const res = await browser.fetch(`/apps/${other.id}/monitors/${ids.up}`);
        equal(res.status, 404);
        await res.body?.cancel();
        const pause = await browser.submit(
          `/apps/${other.id}/monitors/${ids.up}/pause`,
          {},
          `${board}/${ids.up}`,
        );
        equal(pause.status, 404);
        await pause.body?.cancel();
      });
    } finally {
      await server.close();
    }
  });
}
