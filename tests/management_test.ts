import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { liveKeys } from "../lib/kv/live_counters.ts";
import { againstBundle, client, startTestServer } from "./support/server.ts";

Deno.test("management API: admin token, validation and tenant isolation", async (t) => {
  const server = await startTestServer("postgres");
  const api = client(server);
  try {
    await t.step("calls without the admin token are 401 in the error shape", async () => {
      for (const authorization of [undefined, "Bearer wrong", `Basic ${server.adminToken}`]) {
        const res = await fetch(`${server.url}/api/v1/apps`, {
          method: "POST",
          headers: authorization ? { authorization } : {},
          body: JSON.stringify({ name: "x" }),
        });
        equal(res.status, 401);
        const body = await res.json();
        equal(body.error, "unauthorized");
        ok(typeof body.message === "string" && body.message.length > 0);
      }
    });

    await t.step("an app token is not an admin token", async () => {
      const app = await api.createApp();
      const res = await fetch(`${server.url}/api/v1/apps/${app.id}/events`, {
        headers: { authorization: `Bearer ${app.token}` },
      });
      equal(res.status, 401);
    });

    await t.step("apps are created with a default or a valid IANA timezone", async () => {
      const plain = await api.createApp("Plain");
      equal(plain.timezone, "UTC");
      const res = await api.admin("/api/v1/apps", {
        method: "POST",
        body: JSON.stringify({ name: "  Kathmandu  ", timezone: "Asia/Kathmandu" }),
      });
      equal(res.status, 201);
      const body = await res.json();
      equal([body.name, body.timezone], ["Kathmandu", "Asia/Kathmandu"]);
      ok(body.id.startsWith("app_"));
      ok(!Number.isNaN(Date.parse(body.created_at)));
    });

    await t.step("bad app input is 422 naming the field", async () => {
      for (
        const [body, field] of [
          [{}, "name"],
          [{ name: "" }, "name"],
          [{ name: "x", timezone: "Mars/Olympus" }, "timezone"],
          [{ name: "x", timezone: "+05:45" }, "timezone"],
          [{ name: 5 }, "name"],
        ] as const
      ) {
        const res = await api.admin("/api/v1/apps", {
          method: "POST",
          body: JSON.stringify(body),
        });
        equal(res.status, 422, JSON.stringify(body));
        const error = await res.json();
        equal(error.error, "validation_failed");
        ok(error.message.includes(field), error.message);
      }
      const malformed = await api.admin("/api/v1/apps", { method: "POST", body: "{" });
      equal(malformed.status, 400);
    });

    await t.step("unknown apps are 404 on every call", async () => {
      for (
        const [method, path] of [
          ["POST", "/api/v1/apps/app_nope/token"],
          ["GET", "/api/v1/apps/app_nope/events"],
          ["GET", "/api/v1/apps/app_nope/events/e/series"],
          ["GET", "/api/v1/apps/app_nope/export.csv"],
        ]
      ) {
        const res = await api.admin(path, { method });
        equal(res.status, 404, path);
        equal((await res.json()).error, "not_found");
      }
    });

    await t.step("app B's token never writes into or reads from app A", async () => {
      const a = await api.createApp("A");
      const b = await api.createApp("B");
      equal((await api.heartbeat(a.token, { event: "a-only", user_id: 1 })).status, 201);
      equal((await api.heartbeat(b.token, { event: "b-only", user_id: 2 })).status, 201);
      const aEvents = await api.adminJson(`/api/v1/apps/${a.id}/events`);
      const bEvents = await api.adminJson(`/api/v1/apps/${b.id}/events`);
      equal(aEvents.events.map((e: { event: string }) => e.event), ["a-only"]);
      equal(bEvents.events.map((e: { event: string }) => e.event), ["b-only"]);
      const aCsv = await (await api.admin(`/api/v1/apps/${a.id}/export.csv`)).text();
      ok(!aCsv.includes("b-only"));
      const series = await api.adminJson(
        `/api/v1/apps/${a.id}/events/b-only/series?bucket=day`,
      );
      ok(series.points.every((p: { count: number }) => p.count === 0));
      // an app token cannot reach any management call, its own app's included
      for (const token of [a.token, b.token]) {
        const res = await fetch(`${server.url}/api/v1/apps/${a.id}/export.csv`, {
          headers: { authorization: `Bearer ${token}` },
        });
        equal(res.status, 401);
      }
    });

    await t.step("CSV export filters by event and time, and quotes what needs it", async () => {
      const app = await api.createApp();
      const send = (event: string, created_at: string) =>
        api.heartbeat(app.token, { event, created_at });
      equal((await send("plain", "2024-01-01T00:00:00Z")).status, 201);
      equal((await send('comma, "quoted"', "2024-01-02T00:00:00Z")).status, 201);
      equal((await send("plain", "2024-01-03T00:00:00Z")).status, 201);
      const all = await (await api.admin(`/api/v1/apps/${app.id}/export.csv`)).text();
      equal(
        all,
        "event,weight,user_id,created_at\n" +
          "plain,1,,2024-01-01T00:00:00.000Z\n" +
          '"comma, ""quoted""",1,,2024-01-02T00:00:00.000Z\n' +
          "plain,1,,2024-01-03T00:00:00.000Z\n",
      );
      const filtered = await (await api.admin(
        `/api/v1/apps/${app.id}/export.csv?event=plain&from=2024-01-02&to=2024-01-04`,
      )).text();
      equal(filtered, "event,weight,user_id,created_at\nplain,1,,2024-01-03T00:00:00.000Z\n");
      const bad = await api.admin(`/api/v1/apps/${app.id}/export.csv?from=soon`);
      equal(bad.status, 422);
    });

    await t.step("CSV export pages through more rows than one page", async () => {
      const app = await api.createApp();
      const batch = Array.from({ length: 4_500 }, (_, i) => i);
      for (let i = 0; i < batch.length; i += 500) {
        await Promise.all(
          batch.slice(i, i + 500).map(async (n) => {
            const res = await api.heartbeat(app.token, {
              event: "many",
              user_id: n,
              created_at: "2024-05-01T00:00:00Z",
            });
            await res.body?.cancel();
          }),
        );
      }
      const csv = await (await api.admin(`/api/v1/apps/${app.id}/export.csv`)).text();
      const ids = csv.trimEnd().split("\n").slice(1).map((l) => Number(l.split(",")[2]));
      equal(ids.length, 4_500);
      equal(new Set(ids).size, 4_500);
    });

    await t.step({
      name: "live counters in KV follow every committed event",
      ignore: againstBundle,
      fn: async () => {
        const app = await api.createApp();
        const watch = server.services.kv.watch([liveKeys.appTotal(app.id)]);
        const reader = watch.getReader();
        await reader.read(); // the current value (none yet)
        await Promise.all(
          [..."abcab"].map((e) =>
            api.heartbeat(app.token, { event: e }).then((r) => r.body?.cancel())
          ),
        );
        await server.services.live.flush();
        let total = 0n;
        while (total < 5n) {
          const { value } = await reader.read();
          total = (value?.[0].value as Deno.KvU64 | null)?.value ?? 0n;
        }
        await reader.cancel();
        equal(total, 5n);
        equal(
          Object.fromEntries(await server.services.live.read(app.id)),
          { a: 2n, b: 2n, c: 1n },
        );
      },
    });
  } finally {
    await server.close();
  }
});
