import { deepStrictEqual as equal } from "node:assert/strict";
import { client, databaseChoices, startTestServer } from "./support/server.ts";

const now = new Date("2026-06-15T12:00:00Z");

for (const database of databaseChoices) {
  Deno.test(`retention prunes raw events in batches; totals and series stay (${database})`, async () => {
    const server = await startTestServer(database, {
      now: () => now,
      env: { HARTSLAG_EVENTS_RETENTION_DAYS: "30", HARTSLAG_RETENTION_BATCH: "3" },
    });
    const api = client(server);
    try {
      const shop = await api.createApp("Shop", "Europe/Amsterdam");
      const blog = await api.createApp("Blog");
      const send = async (token: string, event: string, createdAt: string, userId: number) => {
        const res = await api.heartbeat(token, {
          event,
          weight: 2,
          user_id: userId,
          created_at: createdAt,
        });
        equal(res.status, 201);
      };
      for (let i = 0; i < 7; i++) await send(shop.token, "login", `2026-04-0${i + 1}T08:00:00Z`, i);
      await send(shop.token, "login", "2026-05-16T12:00:00Z", 50); // exactly at the cutoff: kept
      await send(shop.token, "login", "2026-06-14T09:30:00Z", 51);
      await send(shop.token, "signup", "2026-06-15T11:00:00Z", 52);
      for (let i = 0; i < 4; i++) await send(blog.token, "view", `2026-01-1${i}T00:00:00Z`, 90 + i);

      const read = async () => ({
        shop: await api.adminJson(`/api/v1/apps/${shop.id}/events`),
        blog: await api.adminJson(`/api/v1/apps/${blog.id}/events`),
        series: await api.adminJson(
          `/api/v1/apps/${shop.id}/events/login/series?bucket=day&from=2026-03-30&to=2026-06-16`,
        ),
      });
      const csvUsers = async (appId: string) => {
        const text = await (await api.admin(`/api/v1/apps/${appId}/export.csv`)).text();
        return text.trimEnd().split("\n").slice(1).map((line) => Number(line.split(",")[2]));
      };
      const before = await read();
      equal(before.shop.events.map((e: { total: unknown }) => e.total), [
        { count: 9, weight: 18 },
        { count: 1, weight: 2 },
      ]);
      equal(await csvUsers(shop.id), [0, 1, 2, 3, 4, 5, 6, 50, 51, 52]);

      equal(await server.retain(now), { events: 11 });

      equal(await read(), before, "totals, periods and series come from rollups: unchanged");
      equal(await csvUsers(shop.id), [50, 51, 52], "the CSV no longer has the pruned rows");
      equal(await csvUsers(blog.id), []);
      equal(await server.retain(now), { events: 0 });
    } finally {
      await server.close();
    }
  });
}

Deno.test("without a retention setting nothing is pruned", async () => {
  const server = await startTestServer("postgres", { now: () => now });
  const api = client(server);
  try {
    const app = await api.createApp();
    equal((await api.heartbeat(app.token, { event: "old", created_at: "2001-01-01" })).status, 201);
    equal(server.services.retention.length, 0);
    equal(await server.retain(now), {});
    const summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
    equal(summary.events[0].total.count, 1);
  } finally {
    await server.close();
  }
});
