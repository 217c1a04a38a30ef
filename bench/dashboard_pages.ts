/**
 * How long the dashboard's pages take for an app with a million events, against the same
 * pages for an app with ten (the baseline, measured in the same run). Pages read rollups,
 * so the ratio should stay near 1; top users reads raw rows within its range.
 *
 *   deno run -A bench/dashboard_pages.ts [events=1000000]
 */
import { insertEvents, type NewEvent } from "../lib/store/events.ts";
import { Browser, operatorEnv } from "../tests/support/dashboard.ts";
import { client, startTestServer } from "../tests/support/server.ts";

const total = Number(Deno.args[0] ?? 1_000_000);
const server = await startTestServer("postgres", { env: operatorEnv });
try {
  const api = client(server);
  const big = await api.createApp("Big", "Europe/Amsterdam");
  const small = await api.createApp("Small", "Europe/Amsterdam");
  const now = Date.now();
  const names = ["page-view", "user-login", "checkout", "search", "api-call"];
  const started = performance.now();
  const batch = 50_000;
  for (let done = 0; done < total; done += batch) {
    const events: NewEvent[] = [];
    for (let i = done; i < Math.min(total, done + batch); i++) {
      events.push({
        appId: big.id,
        event: names[i % names.length],
        weight: BigInt(i % 100),
        userId: BigInt(i % 5000),
        // spread over the last 60 days
        createdAt: new Date(now - Math.floor((i / total) * 60 * 86_400_000)),
      });
    }
    await insertEvents(server.services.database, events);
  }
  for (let i = 0; i < 10; i++) await api.heartbeat(small.token, { event: names[i % 5] });
  console.log(`inserted ${total} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const browser = new Browser(server.url);
  await browser.signIn();
  const time = async (path: string) => {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const res = await browser.fetch(path);
      await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      runs.push(performance.now() - t0);
    }
    return runs.sort((a, b) => a - b)[3];
  };
  const pages = [
    ["overview", "/", "/"],
    ["app page (24 h, hours)", `/apps/${big.id}`, `/apps/${small.id}`],
    ["app page (30 d, days)", `/apps/${big.id}?range=30d`, `/apps/${small.id}?range=30d`],
    [
      "app page (7 d, hours)",
      `/apps/${big.id}?range=7d&bucket=hour`,
      `/apps/${small.id}?range=7d&bucket=hour`,
    ],
    ["top users (24 h)", `/apps/${big.id}/users?range=24h`, `/apps/${small.id}/users?range=24h`],
    ["top users (30 d)", `/apps/${big.id}/users?range=30d`, `/apps/${small.id}/users?range=30d`],
  ] as const;
  console.log("page | median ms (big app) | baseline ms (10 events) | ratio");
  for (const [label, bigPath, smallPath] of pages) {
    const b = await time(bigPath);
    const s = await time(smallPath);
    console.log(`${label} | ${b.toFixed(1)} | ${s.toFixed(1)} | ${(b / s).toFixed(2)}`);
  }
} finally {
  await server.close();
}
