import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { createTestDatabase } from "./support/postgres.ts";
import { type ServerProcess, spawnServer } from "./support/process.ts";
import { client } from "./support/server.ts";

const ADMIN = "cluster-admin";

/** Posts one event; returns the status. */
async function post(server: ServerProcess, token: string, event: string): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/heartbeat`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ event }),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("spawned server: two instances on one database share events and token rotations", async (t) => {
  const db = await createTestDatabase();
  const dirs = [
    await Deno.makeTempDir({ prefix: "hartslag-node-a-" }),
    await Deno.makeTempDir({ prefix: "hartslag-node-b-" }),
  ];
  // A token cache far longer than the test: a rotation can only reach the other instance
  // through the database's notice, not by the cache entry expiring.
  const env = (dataDir: string) => ({
    DATABASE_URL: db.url,
    HARTSLAG_DATA_DIR: dataDir,
    HARTSLAG_ADMIN_TOKEN: ADMIN,
    HARTSLAG_TOKEN_CACHE_MS: "600000",
  });
  // Both start at once on an empty database: migrations take their lock, neither fails.
  const [a, b] = await Promise.all(dirs.map((dir) => spawnServer(env(dir))));
  try {
    const apiA = client({ url: a.url, adminToken: ADMIN });
    const apiB = client({ url: b.url, adminToken: ADMIN });
    const app = await apiA.createApp("Shared", "Europe/Amsterdam");

    await t.step("an event sent to one instance is counted by the other", async () => {
      equal(await post(b, app.token, "via-b"), 201);
      equal(await post(a, app.token, "via-a"), 201);
      for (const api of [apiA, apiB]) {
        const summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
        equal(
          summary.events.map((e: { event: string; total: { count: number } }) => [
            e.event,
            e.total.count,
          ]),
          [["via-a", 1], ["via-b", 1]],
        );
      }
      const csv = await (await apiA.admin(`/api/v1/apps/${app.id}/export.csv`)).text();
      equal(csv.trimEnd().split("\n").length, 3);
    });

    await t.step("a token rotated on one instance stops on the other", async () => {
      // B has the old token cached from the step above.
      equal(await post(b, app.token, "cached"), 201);
      const rotated = await apiA.admin(`/api/v1/apps/${app.id}/token`, { method: "POST" });
      equal(rotated.status, 200);
      const { token } = await rotated.json();
      equal(await post(a, app.token, "old-on-a"), 401, "the rotating instance refuses at once");
      let status = 0;
      const started = Date.now();
      while (Date.now() - started < 10_000) {
        status = await post(b, app.token, "old-on-b");
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      equal(status, 401, "the other instance refuses the old token well before its cache TTL");
      equal(await post(b, token, "new-on-b"), 201);
      equal(await post(a, token, "new-on-a"), 201);
      app.token = token;
    });

    await t.step("a beacon rotated on one instance stops recording on the other", async () => {
      const created = await apiA.admin(`/api/v1/apps/${app.id}/beacons`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "pageview" }),
      });
      equal(created.status, 201);
      const beacon = await created.json();
      const beet = async (server: ServerProcess, token: string) => {
        const res = await fetch(`${server.url}/api/v1/beet/${token}`, { method: "POST" });
        await res.body?.cancel();
        equal(res.status, 200);
      };
      const recorded = async () => {
        const summary = await apiA.adminJson(`/api/v1/apps/${app.id}/events`);
        return summary.events.find((e: { event: string }) => e.event === "pageview")?.total
          .count ?? 0;
      };
      await beet(b, beacon.token); // B now trusts this token for a minute
      equal(await recorded(), 1);
      const rotated = await apiA.admin(`/api/v1/apps/${app.id}/beacons/${beacon.id}/token`, {
        method: "POST",
      });
      equal(rotated.status, 200);
      const { token } = await rotated.json();
      // Old-token hits on B record nothing once B has heard of the rotation.
      let before = await recorded();
      const started = Date.now();
      let stopped = false;
      while (!stopped && Date.now() - started < 10_000) {
        await beet(b, beacon.token);
        const after = await recorded();
        stopped = after === before;
        before = after;
        // Slowly enough to stay under the beacon's default limit (60 per 10 s).
        if (!stopped) await new Promise((r) => setTimeout(r, 200));
      }
      ok(stopped, "the old beacon token stopped on the other instance within its cache TTL");
      await beet(b, token);
      equal(await recorded(), before + 1);
    });

    await t.step(
      "a beacon renamed and given a new limit on one instance: the other applies both",
      async () => {
        const created = await apiA.admin(`/api/v1/apps/${app.id}/beacons`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "signup", limit: { count: 1, window_s: 3_600 } }),
        });
        equal(created.status, 201);
        const beacon = await created.json();
        const beet = async (server: ServerProcess) => {
          const res = await fetch(`${server.url}/api/v1/beet/${beacon.token}`);
          await res.body?.cancel();
          return res.status;
        };
        // B now trusts the token, with its limit of 1, for about a minute.
        equal(await beet(b), 200);
        equal(await beet(b), 429);
        const changed = await apiA.admin(`/api/v1/apps/${app.id}/beacons/${beacon.id}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "sign-up", limit: { count: 2, window_s: 3_600 } }),
        });
        equal(changed.status, 200);
        equal((await changed.json()).name, "sign-up");
        let status = 0;
        const started = Date.now();
        while (Date.now() - started < 10_000) {
          status = await beet(b);
          if (status === 200) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        equal(status, 200, "the new limit reached the other instance well before its cache TTL");
        equal(await beet(b), 429, "and the hit before the change still counts");
        const summary = await apiA.adminJson(`/api/v1/apps/${app.id}/events`);
        const counts = Object.fromEntries(
          summary.events.map((e: { event: string; total: { count: number } }) => [
            e.event,
            e.total.count,
          ]),
        );
        equal([counts["signup"], counts["sign-up"]], [1, 1], "the later hit has the new name");
      },
    );
  } finally {
    const statuses = await Promise.all([a.kill("SIGTERM"), b.kill("SIGTERM")]);
    ok(statuses.every((s) => s.code === 0), [a.output(), b.output()].join("\n"));
    await db.drop();
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
});
