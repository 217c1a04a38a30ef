import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { client, databaseChoices, startTestServer } from "./support/server.ts";

for (const database of databaseChoices) {
  Deno.test(`app tokens on POST /api/v1/heartbeat are rate-limited on ${database}`, async (t) => {
    const server = await startTestServer(database, {
      env: { HARTSLAG_APP_RATE_LIMIT: "60", HARTSLAG_APP_RATE_WINDOW_S: "10" },
    });
    const api = client(server);
    const stored = async (appId: string) =>
      (await server.services.db.selectFrom("events").select("event")
        .where("app_id", "=", appId).execute()).length;
    try {
      await t.step("exactly 60 of 200 parallel requests are stored; 140 get 429", async () => {
        const app = await api.createApp();
        const answers = await Promise.all(
          Array.from({ length: 200 }, async (_, i) => {
            const res = await api.heartbeat(app.token, { event: "burst", weight: i });
            return { status: res.status, headers: res.headers, body: await res.json() };
          }),
        );
        const created = answers.filter((a) => a.status === 201);
        const refused = answers.filter((a) => a.status === 429);
        equal([created.length, refused.length], [60, 140]);
        for (const answer of refused) {
          equal(answer.body, { error: "Too Many Requests" });
          const retryAfter = Number(answer.headers.get("retry-after"));
          ok(retryAfter >= 1 && retryAfter <= 10, `Retry-After ${retryAfter}`);
          equal(answer.headers.get("ratelimit-limit"), "60");
          equal(answer.headers.get("ratelimit-remaining"), "0");
          equal(answer.headers.get("ratelimit-reset"), String(retryAfter));
          equal(answer.headers.get("ratelimit-policy"), "60;w=10");
        }
        // Every admitted request saw a different remaining count, 59 down to 0.
        equal(
          created.map((a) => Number(a.headers.get("ratelimit-remaining"))).sort((a, b) => a - b),
          Array.from({ length: 60 }, (_, i) => i),
        );
        ok(created.every((a) => a.headers.get("retry-after") === null));
        equal(await stored(app.id), 60, "refused requests are not stored");
        const summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
        equal(summary.events[0].total.count, 60);
      });

      await t.step("each app has its own window, kept across a token rotation", async () => {
        const app = await api.createApp();
        const other = await api.createApp();
        for (let i = 0; i < 60; i++) {
          await (await api.heartbeat(app.token, { event: "e" })).body?.cancel();
        }
        const over = await api.heartbeat(app.token, { event: "e" });
        equal(over.status, 429);
        await over.body?.cancel();
        equal((await api.heartbeat(other.token, { event: "e" })).status, 201);
        const res = await api.admin(`/api/v1/apps/${app.id}/token`, { method: "POST" });
        const { token } = await res.json();
        const rotated = await api.heartbeat(token, { event: "e" });
        equal(rotated.status, 429, "a new token does not reset the app's window");
        await rotated.body?.cancel();
      });

      await t.step("unauthenticated requests are 401, not counted against anyone", async () => {
        const app = await api.createApp();
        for (let i = 0; i < 70; i++) {
          const res = await api.heartbeat("hs_wrong", { event: "e" });
          equal(res.status, 401);
          await res.body?.cancel();
        }
        equal((await api.heartbeat(app.token, { event: "e" })).status, 201);
      });
    } finally {
      await server.close();
    }
  });
}

Deno.test("the default app limit is generous, and HARTSLAG_APP_RATE_LIMIT=off removes it", async () => {
  for (
    const [env, limit] of [[{}, "100000"], [{ HARTSLAG_APP_RATE_LIMIT: "off" }, null]] as const
  ) {
    const server = await startTestServer("postgres", { env });
    try {
      const api = client(server);
      const app = await api.createApp();
      const res = await api.heartbeat(app.token, { event: "e" });
      equal(res.status, 201);
      await res.body?.cancel();
      equal(res.headers.get("ratelimit-limit"), limit);
    } finally {
      await server.close();
    }
  }
});
