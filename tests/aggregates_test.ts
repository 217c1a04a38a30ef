import { deepStrictEqual as equal } from "node:assert/strict";
import { client, databaseChoices, startTestServer } from "./support/server.ts";

type Summary = {
  timezone: string;
  events: { event: string; today: unknown; week: unknown; month: unknown; total: unknown }[];
};

const pair = (count: number, weight = count) => ({ count, weight });

for (const database of databaseChoices) {
  Deno.test(`local today/week/month and series in the app's timezone on ${database}`, async (t) => {
    let now = new Date("2024-01-17T12:00:00Z");
    const server = await startTestServer(database, { now: () => now });
    const api = client(server);
    const send = async (token: string, event: string, createdAt: string, weight = 1) => {
      const res = await api.heartbeat(token, { event, weight, created_at: createdAt });
      equal(res.status, 201, `${event} at ${createdAt}`);
    };
    try {
      await t.step("+05:45 (Asia/Kathmandu): local midnight is 18:15 UTC", async () => {
        const app = await api.createApp("Kathmandu", "Asia/Kathmandu");
        await send(app.token, "e", "2023-12-31T18:14:59Z"); // 2023-12-31 23:59:59 local
        await send(app.token, "e", "2023-12-31T18:15:00Z"); // Jan 1st, Monday of an older week
        await send(app.token, "e", "2024-01-14T18:14:59Z"); // Sunday 23:59:59 local
        await send(app.token, "e", "2024-01-14T18:15:00Z"); // Monday 00:00 local
        await send(app.token, "e", "2024-01-16T18:14:59Z"); // yesterday 23:59:59 local
        await send(app.token, "e", "2024-01-16T18:15:00Z"); // today 00:00 local
        await send(app.token, "e", "2024-01-17T18:14:59Z"); // today 23:59:59 local
        await send(app.token, "e", "2024-01-17T18:15:00Z"); // tomorrow 00:00 local
        const summary: Summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
        equal(summary.timezone, "Asia/Kathmandu");
        equal(summary.events, [{
          event: "e",
          today: pair(2),
          week: pair(5),
          month: pair(7),
          total: pair(8),
        }]);
        const series = await api.adminJson(
          `/api/v1/apps/${app.id}/events/e/series?bucket=hour&from=2024-01-16T17:00:00Z&to=2024-01-16T19:00:00Z`,
        );
        equal(series.points, [
          { t: "2024-01-16T16:15:00.000Z", count: 0, weight: 0 },
          { t: "2024-01-16T17:15:00.000Z", count: 1, weight: 1 },
          { t: "2024-01-16T18:15:00.000Z", count: 1, weight: 1 },
        ]);
        const days = await api.adminJson(
          `/api/v1/apps/${app.id}/events/e/series?bucket=day&from=2024-01-15T00:00:00Z&to=2024-01-17T00:00:00Z`,
        );
        equal(days.points, [
          { t: "2024-01-14T18:15:00.000Z", count: 1, weight: 1 },
          { t: "2024-01-15T18:15:00.000Z", count: 1, weight: 1 },
          { t: "2024-01-16T18:15:00.000Z", count: 1, weight: 1 },
        ]);
      });

      await t.step("−03:30 (America/St_Johns): local midnight is 03:30 UTC", async () => {
        const app = await api.createApp("St Johns", "America/St_Johns");
        await send(app.token, "e", "2024-01-17T03:29:59Z", 10);
        await send(app.token, "e", "2024-01-17T03:30:00Z", 20);
        await send(app.token, "e", "2024-01-18T03:29:59Z", 40);
        const summary: Summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
        equal(summary.events[0].today, pair(2, 60));
        equal(summary.events[0].week, pair(3, 70));
        const minutes = await api.adminJson(
          `/api/v1/apps/${app.id}/events/e/series?bucket=minute&from=2024-01-17T03:29:00Z&to=2024-01-17T03:31:00Z`,
        );
        equal(minutes.points, [
          { t: "2024-01-17T03:29:00.000Z", count: 1, weight: 10 },
          { t: "2024-01-17T03:30:00.000Z", count: 1, weight: 20 },
        ]);
      });

      await t.step("a DST day in Europe/Amsterdam has 23 hours", async () => {
        now = new Date("2024-03-31T12:00:00Z"); // Sunday; clocks went 02:00 → 03:00 local
        const app = await api.createApp("Amsterdam", "Europe/Amsterdam");
        await send(app.token, "e", "2024-03-30T22:59:59Z"); // Saturday 23:59:59 (+01:00)
        await send(app.token, "e", "2024-03-30T23:00:00Z"); // Sunday 00:00 (+01:00)
        await send(app.token, "e", "2024-03-31T21:59:59Z"); // Sunday 23:59:59 (+02:00)
        await send(app.token, "e", "2024-03-31T22:00:00Z"); // Monday April 1st 00:00 (+02:00)
        await send(app.token, "e", "2024-02-29T22:59:59Z"); // February 29th 23:59:59
        const summary: Summary = await api.adminJson(`/api/v1/apps/${app.id}/events`);
        equal(summary.events[0].today, pair(2));
        equal(summary.events[0].week, pair(3));
        equal(summary.events[0].month, pair(3));
        equal(summary.events[0].total, pair(5));
        const days = await api.adminJson(
          `/api/v1/apps/${app.id}/events/e/series?bucket=day&from=2024-03-30T12:00:00Z&to=2024-04-01T12:00:00Z`,
        );
        equal(days.points, [
          { t: "2024-03-29T23:00:00.000Z", count: 1, weight: 1 },
          { t: "2024-03-30T23:00:00.000Z", count: 2, weight: 2 },
          { t: "2024-03-31T22:00:00.000Z", count: 1, weight: 1 },
        ]);
      });

      await t.step("series reject bad ranges with a clear 422", async () => {
        const app = await api.createApp();
        for (
          const query of [
            "bucket=week",
            "from=yesterday",
            "from=2024-01-02&to=2024-01-01",
            "bucket=minute&from=2020-01-01&to=2024-01-01",
          ]
        ) {
          const res = await api.admin(`/api/v1/apps/${app.id}/events/e/series?${query}`);
          equal(res.status, 422, query);
          equal((await res.json()).error, "validation_failed");
        }
        const missing = await api.admin(`/api/v1/apps/app_missing/events/e/series`);
        equal(missing.status, 404);
      });
    } finally {
      await server.close();
    }
  });
}
