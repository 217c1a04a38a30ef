/**
 * The in-process cost of one POST /api/v1/heartbeat through the whole HTTP layer — routing,
 * request id, body reading, token lookup (cached), validation, metrics and the response —
 * with the network and the database taken out: the writer acknowledges at once. It isolates
 * what the web layer adds per request, which wrk over loopback cannot resolve on a busy
 * machine. Prints requests per second of one core; compare two trees by running this file
 * in each (it uses only createServices and createApp).
 */
import { readConfig } from "../lib/config.ts";
import { silentLogger } from "../lib/log.ts";
import { createServices, type Services } from "../lib/services.ts";
import type { Database } from "../lib/store/database.ts";
import { createApp } from "../lib/web/app.ts";
import { manifest } from "../routes.gen.ts";

const requests = Number(Deno.env.get("BENCH_REQUESTS") ?? 200_000);
const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 5);

const database = {
  kind: "postgres",
  db: undefined,
  run: () => Promise.resolve(),
  close: () => Promise.resolve(),
} as unknown as Database;
const kv = await Deno.openKv(":memory:");
// The app rate limit stays on (the hot path checks it), set high enough never to refuse.
const config = readConfig({ HARTSLAG_APP_RATE_LIMIT: "1000000000" });
const real = createServices({ config, database, kv, log: silentLogger });
const app = { id: "app_bench", name: "bench", timezone: "UTC", createdAt: new Date() };
const services: Services = {
  ...real,
  appTokens: { authenticate: () => app } as unknown as Services["appTokens"],
  eventWriter: { write: () => Promise.resolve() } as unknown as Services["eventWriter"],
};
const hono = createApp(services, manifest);
const body = JSON.stringify({ event: "bench-event", weight: 3, user_id: 42 });
// A declared length, as every HTTP client sends: the route reads such bodies in one go.
const headers = {
  authorization: "Bearer hs_bench",
  "content-type": "application/json",
  "content-length": String(new TextEncoder().encode(body).byteLength),
};

async function round(n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await hono.fetch(
      new Request("http://127.0.0.1/api/v1/heartbeat", { method: "POST", headers, body }),
    );
    if (res.status !== 201) throw new Error(`status ${res.status}: ${await res.text()}`);
    await res.body?.cancel();
  }
  return n / ((performance.now() - started) / 1000);
}

await round(20_000); // warm-up
const rates: number[] = [];
for (let i = 0; i < rounds; i++) rates.push(await round(requests));
rates.sort((a, b) => a - b);
console.log(
  `request path (in-process, no I/O): median ${rates[rates.length >> 1].toFixed(0)} req/s` +
    ` over ${rounds} rounds of ${requests} (min ${rates[0].toFixed(0)}, max ${
      rates.at(-1)!.toFixed(0)
    })`,
);
kv.close();
Deno.exit(0);
