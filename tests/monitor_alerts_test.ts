import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { SMTPServer } from "smtp-server";
import { signature } from "../lib/alerts/webhook.ts";
import { monitorClient } from "./support/monitors.ts";
import { eventually, sleep, startReceiver } from "./support/receiver.ts";
import { databaseChoices, startTestServer } from "./support/server.ts";

const SECRET = "test-signing-secret-0123456789";

for (const database of databaseChoices) {
  Deno.test(`every transition and alert with real timers on ${database}`, async (t) => {
    const receiver = startReceiver();
    const server = await startTestServer(database);
    const api = monitorClient(server);
    try {
      const app = await api.createApp("Alerts");
      const hook = await api.createChannel(app.id, {
        kind: "webhook",
        url: `${receiver.url}/hook`,
        secret: SECRET,
      });
      await api.createChannel(app.id, { kind: "slack", url: `${receiver.url}/slack` });
      const m = await api.createMonitor(app.id, {
        name: "every second",
        interval_s: 1,
        grace_s: 1,
      });

      await t.step("new → up on the first ping sends nothing", async () => {
        await api.ping(m.id);
        equal((await api.monitor(m.id)).status, "up");
        equal(await api.flips(m.id).then((f) => f.map((x) => [x.from, x.to, x.alert])), [
          ["new", "up", null],
        ]);
      });

      let pingedAt = 0;
      await t.step(
        "late past the expected time, down past the grace: within 2 s of each",
        async () => {
          pingedAt = new Date((await api.monitor(m.id)).last_ping_at).getTime();
          const flips = await eventually("down", async () => {
            const f = await api.flips(m.id);
            return f.length >= 3 ? f : undefined;
          }, 6_000);
          equal(flips.map((f) => [f.from, f.to, f.alert]), [
            ["new", "up", null],
            ["up", "late", null],
            ["late", "down", "down"],
          ]);
          const lateLag = new Date(flips[1].at).getTime() - (pingedAt + 1000);
          const downLag = new Date(flips[2].at).getTime() - (pingedAt + 2000);
          ok(lateLag >= 0 && lateLag < 2000, `late landed ${lateLag} ms after its deadline`);
          ok(downLag >= 0 && downLag < 2000, `down landed ${downLag} ms after its deadline`);
          const [incident] = await api.incidents(m.id);
          equal(incident.closed_at, null);
          equal(incident.opened_at, flips[2].at);
        },
      );

      await t.step("the down alert reaches the webhook (signed) and Slack once each", async () => {
        const [down] = await receiver.waitFor(1, 5_000, "/hook");
        const [slack] = await receiver.waitFor(1, 5_000, "/slack");
        equal(down.json.type, "monitor.down");
        equal(down.headers.get("x-hartslag-event"), "monitor.down");
        equal(down.headers.get("x-hartslag-signature-256"), await signature(SECRET, down.body));
        equal((down.json.monitor as { id: string }).id, m.id);
        equal((down.json.incident as { closed_at: null }).closed_at, null);
        ok(String(slack.json.text).includes("every second"));
        ok(String(slack.json.text).includes("DOWN"));
        await sleep(300);
        equal(receiver.received.length, 2);
      });

      await t.step("a success ping closes the incident and sends one recovery each", async () => {
        await api.ping(m.id);
        const [, up] = await receiver.waitFor(2, 5_000, "/hook");
        equal(up.json.type, "monitor.up");
        equal(up.headers.get("x-hartslag-signature-256"), await signature(SECRET, up.body));
        const [, slackUp] = await receiver.waitFor(2, 5_000, "/slack");
        ok(String(slackUp.json.text).includes("back UP"));
        const [incident] = await api.incidents(m.id);
        ok(incident.closed_at);
        equal((up.json.incident as { closed_at: string }).closed_at, incident.closed_at);
      });

      await t.step("a fail ping is down at once; another failure alerts nothing more", async () => {
        await api.ping(m.id, "fail");
        equal((await api.monitor(m.id)).status, "down");
        await receiver.waitFor(3, 5_000, "/hook");
        await api.ping(m.id, "3");
        await api.ping(m.id, "0");
        const hooks = await receiver.waitFor(4, 5_000, "/hook");
        equal(hooks.map((r) => r.json.type).slice(2), ["monitor.down", "monitor.up"]);
        equal(hooks[2].json.reason, "fail ping");
        equal((await api.incidents(m.id)).length, 2);
      });

      await t.step("a run longer than the grace period is down", async () => {
        await api.send("PATCH", `/api/v1/monitors/${m.id}`, { interval_s: 60, grace_s: 1 });
        await api.ping(m.id, "start");
        const hooks = await receiver.waitFor(5, 5_000, "/hook");
        equal(hooks[4].json.type, "monitor.down");
        equal(hooks[4].json.reason, "run took longer than the grace period");
        await api.ping(m.id);
        await receiver.waitFor(6, 5_000, "/hook");
      });

      await t.step("pause and resume send nothing, even from down", async () => {
        await api.ping(m.id, "fail");
        await receiver.waitFor(7, 5_000, "/hook");
        await api.send("POST", `/api/v1/monitors/${m.id}/pause`);
        const [, , last] = await api.incidents(m.id).then((i) => i.slice(-3));
        equal(last.close_reason, "paused");
        await api.send("POST", `/api/v1/monitors/${m.id}/resume`);
        await api.ping(m.id);
        await sleep(500);
        equal(receiver.received.filter((r) => r.path === "/hook").length, 7);
        const flips = await api.flips(m.id);
        equal(flips.slice(-3).map((f) => [f.from, f.to, f.alert]), [
          ["down", "paused", null],
          ["paused", "new", null],
          ["new", "up", null],
        ]);
      });

      await t.step("every delivery and attempt is recorded and readable", async () => {
        const deliveries = await eventually("all sent", async () => {
          const d = await api.deliveries(m.id);
          return d.every((x: { state: string }) => x.state === "sent") ? d : undefined;
        });
        equal(deliveries.length, 14);
        for (const d of deliveries) {
          equal(d.attempts, 1);
          equal(d.log.length, 1);
          equal(d.log[0].ok, true);
          equal(d.log[0].status_code, 200);
        }
        equal(
          deliveries.filter((d: { channel_id: string }) => d.channel_id === hook.id).map((
            d: { kind: string },
          ) => d.kind),
          ["down", "up", "down", "up", "down", "up", "down"],
        );
      });
    } finally {
      await server.close();
      await receiver.close();
    }
  });
}

Deno.test("webhook deliveries retry with backoff on errors and timeouts", async () => {
  const receiver = startReceiver(async (_req, n) => {
    if (n === 1) return new Response("boom", { status: 500 });
    if (n === 2) await sleep(1_200);
    return new Response("ok");
  });
  const server = await startTestServer("postgres", {
    env: { HARTSLAG_ALERT_RETRY_MS: "150", HARTSLAG_ALERT_TIMEOUT_MS: "400" },
  });
  const api = monitorClient(server);
  try {
    const app = await api.createApp();
    await api.createChannel(app.id, { kind: "webhook", url: `${receiver.url}/hook` });
    const m = await api.createMonitor(app.id, { name: "flaky", interval_s: 60, grace_s: 60 });
    await api.ping(m.id, "fail");
    const [delivery] = await eventually("delivered", async () => {
      const d = await api.deliveries(m.id);
      return d[0]?.state === "sent" ? d : undefined;
    });
    equal(delivery.attempts, 3);
    equal(
      delivery.log.map((a: { ok: boolean; status_code: number | null }) => [a.ok, a.status_code]),
      [
        [false, 500],
        [false, null],
        [true, 200],
      ],
    );
    equal(delivery.log[0].error, "answered HTTP 500");
    equal(delivery.log[1].error, "timed out");
    const end = (a: { started_at: string; duration_ms: number }) =>
      new Date(a.started_at).getTime() + a.duration_ms;
    ok(new Date(delivery.log[1].started_at).getTime() - end(delivery.log[0]) >= 140);
    ok(new Date(delivery.log[2].started_at).getTime() - end(delivery.log[1]) >= 290);
    // The same message each time: one alert, delivered once it got through.
    equal(new Set(receiver.received.map((r) => r.headers.get("x-hartslag-delivery"))).size, 1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    ok(metrics.includes('hartslag_alert_deliveries_total{channel="webhook",outcome="retried"} 2'));
    ok(
      metrics.includes('hartslag_alert_deliveries_total{channel="webhook",outcome="delivered"} 1'),
    );
    ok(metrics.includes('hartslag_monitors{status="down"} 1'), metrics);
    ok(metrics.includes('hartslag_monitors{status="up"} 0'));
  } finally {
    await server.close();
    await receiver.close();
  }
});

Deno.test("a delivery that keeps failing is given up after its attempts", async () => {
  const receiver = startReceiver(() => new Response("nope", { status: 503 }));
  const server = await startTestServer("postgres", {
    env: { HARTSLAG_ALERT_RETRY_MS: "50", HARTSLAG_ALERT_ATTEMPTS: "3" },
  });
  const api = monitorClient(server);
  try {
    const app = await api.createApp();
    await api.createChannel(app.id, { kind: "slack", url: `${receiver.url}/slack` });
    const m = await api.createMonitor(app.id, { name: "doomed", interval_s: 60, grace_s: 60 });
    await api.ping(m.id, "fail");
    const [delivery] = await eventually("given up", async () => {
      const d = await api.deliveries(m.id);
      return d[0]?.state === "failed" ? d : undefined;
    });
    equal(delivery.attempts, 3);
    equal(delivery.log.map((a: { status_code: number }) => a.status_code), [503, 503, 503]);
    equal(receiver.received.length, 3);
  } finally {
    await server.close();
    await receiver.close();
  }
});

Deno.test("email alerts go out over SMTP", async () => {
  const mails: { from: string; to: string[]; data: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (chunk: Uint8Array) => (data += new TextDecoder().decode(chunk)));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as { port: number }).port;
  const server = await startTestServer("postgres", {
    env: {
      HARTSLAG_SMTP_URL: `smtp://127.0.0.1:${port}`,
      HARTSLAG_SMTP_FROM: "hartslag@example.com",
    },
  });
  const api = monitorClient(server);
  try {
    const app = await api.createApp("Mail");
    const channel = await api.createChannel(app.id, {
      kind: "email",
      to: ["ops@example.com", "oncall@example.com"],
    });
    equal(channel.to, ["ops@example.com", "oncall@example.com"]);
    const m = await api.createMonitor(app.id, { name: "backup", interval_s: 60, grace_s: 60 });
    await api.ping(m.id);
    await api.ping(m.id, "2");
    await eventually("the down email", () => Promise.resolve(mails.length >= 1 ? true : undefined));
    equal(mails[0].from, "hartslag@example.com");
    equal(mails[0].to, ["ops@example.com", "oncall@example.com"]);
    ok(/Subject: backup \(Mail\) is DOWN: exit status 2/.test(mails[0].data), mails[0].data);
    await api.ping(m.id);
    await eventually(
      "the recovery email",
      () => Promise.resolve(mails.length >= 2 ? true : undefined),
    );
    ok(/Subject: backup \(Mail\) is back UP/.test(mails[1].data));
    const deliveries = await api.deliveries(m.id);
    equal(deliveries.map((d: { state: string; kind: string }) => [d.kind, d.state]), [
      ["down", "sent"],
      ["up", "sent"],
    ]);
  } finally {
    await server.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
});

Deno.test("a recovery never overtakes its down alert, even while the down one is retried", async () => {
  const receiver = startReceiver((_req, n) => new Response(null, { status: n <= 2 ? 502 : 200 }));
  const server = await startTestServer("postgres", { env: { HARTSLAG_ALERT_RETRY_MS: "100" } });
  const api = monitorClient(server);
  try {
    const app = await api.createApp();
    await api.createChannel(app.id, { kind: "webhook", url: `${receiver.url}/hook` });
    const m = await api.createMonitor(app.id, { name: "blip", interval_s: 60, grace_s: 60 });
    await api.ping(m.id, "fail");
    await api.ping(m.id);
    const received = await receiver.waitFor(4, 5_000);
    equal(received.map((r) => r.json.type), [
      "monitor.down",
      "monitor.down",
      "monitor.down",
      "monitor.up",
    ]);
  } finally {
    await server.close();
    await receiver.close();
  }
});
