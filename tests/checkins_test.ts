import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { client, databaseChoices, startTestServer } from "./support/server.ts";

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
