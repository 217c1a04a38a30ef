/**
 * Beacons against the events endpoint, in one run, driven by wrk over loopback:
 *
 * - events: POST /api/v1/heartbeat with the app limiter on (a limit it never reaches);
 * - beacons: POST /api/v1/beet/:token with a value, spread over many beacons at their
 *   default limit (60 per 10 s each), so every request goes through the limiter and most
 *   windows are written behind to KV;
 * - beacon over its limit: one exhausted beacon, every answer a 429 pixel;
 * - events over the limit: an app over its limit, every answer a 429.
 *
 * The issue's bars: beacon throughput at least 80% of the events endpoint's, and each 429
 * path at least as fast as its accepted path. On a 2-core machine wrk, the server and
 * PostgreSQL share the CPU and single runs swing by ±20%, so events and beacons run in
 * alternating rounds and each reports its median round; both drive wrk through a Lua
 * `request()` so the load generator costs them the same.
 *
 * Run on its own: `deno run -A bench/beacons.ts` (BENCH_SECONDS per run, BENCH_ROUNDS).
 */
import {
  createBenchApp,
  ensureWrk,
  formatRow,
  type HartslagUnderTest,
  type LoadResult,
  median,
  runLoad,
  startBareServer,
  startHartslag,
} from "./lib.ts";

export interface BeaconFigures {
  bare: LoadResult;
  events: LoadResult;
  /** Events spread over as many names as there are beacons: the storage cost of many names. */
  eventsManyNames: LoadResult;
  beacons: LoadResult;
  beaconOverLimit: LoadResult;
  eventsOverLimit: LoadResult;
  beaconCount: number;
  /** Rows stored for the exhausted beacon, and the most its window allows in that time. */
  overLimitStored: number;
  overLimitAllowed: number;
}

const eventBody = JSON.stringify({ event: "bench-event", weight: 3, user_id: 42 });
const beaconBody = JSON.stringify({ value: 42 });
const jsonHeaders = { "content-type": "application/json" };

function admin(h: HartslagUnderTest, path: string, body?: unknown) {
  return fetch(`${h.server.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${h.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Creates `count` beacons (a few requests at a time) and returns their ingestion paths. */
async function createBeacons(h: HartslagUnderTest, appId: string, count: number) {
  const paths: string[] = [];
  const ids: string[] = [];
  for (let start = 0; start < count; start += 32) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(32, count - start) }, async (_, i) => {
        const res = await admin(h, `/api/v1/apps/${appId}/beacons`, { name: `b${start + i}` });
        if (res.status !== 201) throw new Error(`create beacon: ${res.status} ${await res.text()}`);
        return await res.json() as { id: string; url: string };
      }),
    );
    for (const beacon of batch) {
      paths.push(new URL(beacon.url).pathname);
      ids.push(beacon.id);
    }
  }
  return { paths, ids };
}

/**
 * A wrk `request()` that posts the same event every time, or (with `names`) one of that many
 * event names at random, as many beacons make.
 */
function eventRequest(token: string, names?: number): string {
  const body = names === undefined
    ? JSON.stringify(eventBody)
    : `'{"event":"b' .. (math.random(${names}) - 1) .. '","weight":3,"user_id":42}'`;
  return [
    `local headers = { ["content-type"] = "application/json", ` +
    `["authorization"] = ${JSON.stringify(`Bearer ${token}`)} }`,
    "request = function()",
    `  return wrk.format('POST', '/api/v1/heartbeat', headers, ${body})`,
    "end",
  ].join("\n");
}

/**
 * A wrk `request()` that posts the value to each beacon of `paths` in turn (shuffled, so
 * neighbouring requests hit unrelated beacons, as real traffic would): every beacon gets the
 * same share of the load, so none reaches its limit by chance (random picks put some beacons
 * over 60 in 10 s once the load passes ~15,000 req/s).
 */
function beaconRoundRobinRequest(paths: string[]): string {
  const shuffled = [...paths];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return [
    `local paths = {${shuffled.map((p) => JSON.stringify(p)).join(",")}}`,
    `local body = ${JSON.stringify(beaconBody)}`,
    `local headers = { ["content-type"] = "application/json" }`,
    "local turn = math.random(#paths)",
    "request = function()",
    "  turn = turn % #paths + 1",
    "  return wrk.format('POST', paths[turn], headers, body)",
    "end",
  ].join("\n");
}

async function eventCount(h: HartslagUnderTest, appId: string, event: string): Promise<number> {
  const summary = await (await admin(h, `/api/v1/apps/${appId}/events`)).json();
  const row = summary.events.find((e: { event: string }) => e.event === event);
  return Number(row?.total.count ?? 0);
}

/**
 * At their default limit (60 per 10 s) beacons hit in turn admit 6 hits a second each: with
 * 5,000 the accepted run turned into 429s past 30,000 req/s; 10,000 keep it honest to 60,000.
 */
const BEACONS = 10_000;

export async function benchBeacons(
  seconds = 10,
  rounds = 3,
  beaconCount = BEACONS,
): Promise<BeaconFigures> {
  await ensureWrk();
  const bareServer = await startBareServer();
  let bare: LoadResult;
  try {
    const url = `${bareServer.url}/api/v1/heartbeat`;
    await runLoad({ url, body: eventBody, headers: jsonHeaders, seconds: 2 });
    bare = await runLoad({ url, body: eventBody, headers: jsonHeaders, seconds });
  } finally {
    await bareServer.stop();
  }

  // One server for events and beacons: the app limiter is on with a limit this load never
  // reaches, beacons keep the default 60 per 10 s.
  let events: LoadResult, eventsManyNames: LoadResult, beacons: LoadResult;
  let beaconOverLimit: LoadResult;
  let overLimitStored: number, overLimitAllowed: number;
  const h = await startHartslag({ HARTSLAG_APP_RATE_LIMIT: "1000000000" });
  try {
    const app = await createBenchApp(h);
    const { paths } = await createBeacons(h, app.id, beaconCount);
    const eventLoad = { url: h.server.url, luaRequest: eventRequest(app.token) };
    const manyNamesLoad = {
      url: h.server.url,
      luaRequest: eventRequest(app.token, beaconCount),
    };
    const beaconLoad = { url: h.server.url, luaRequest: beaconRoundRobinRequest(paths) };
    for (const load of [eventLoad, manyNamesLoad, beaconLoad]) {
      await runLoad({ ...load, seconds: 2 });
    }
    const eventRuns: LoadResult[] = [];
    const manyNamesRuns: LoadResult[] = [];
    const beaconRuns: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      eventRuns.push(await runLoad({ ...eventLoad, seconds }));
      beaconRuns.push(await runLoad({ ...beaconLoad, seconds }));
      manyNamesRuns.push(await runLoad({ ...manyNamesLoad, seconds }));
    }
    events = median(eventRuns);
    eventsManyNames = median(manyNamesRuns);
    beacons = median(beaconRuns);

    const hot = await (await admin(h, `/api/v1/apps/${app.id}/beacons`, { name: "hot" })).json();
    const firstHit = Date.now();
    for (let i = 0; i < 60; i++) {
      await (await fetch(hot.url, { method: "POST", body: beaconBody })).body?.cancel();
    }
    const hotRequest = { url: hot.url, body: beaconBody, headers: jsonHeaders };
    await runLoad({ ...hotRequest, seconds: 2 });
    beaconOverLimit = await runLoad({ ...hotRequest, seconds });
    overLimitStored = await eventCount(h, app.id, "hot");
    // 60 per 10 s sliding window: at most 60 in each started 10 s since the first hit.
    overLimitAllowed = 60 * Math.ceil((Date.now() - firstHit) / 10_000);
  } finally {
    await h.stop();
  }

  // The events endpoint over its limit needs a low app limit: a server of its own.
  let eventsOverLimit: LoadResult;
  const limited = await startHartslag({ HARTSLAG_APP_RATE_LIMIT: "60" });
  try {
    const app = await createBenchApp(limited);
    const headers = { ...jsonHeaders, authorization: `Bearer ${app.token}` };
    const url = `${limited.server.url}/api/v1/heartbeat`;
    await runLoad({ url, body: eventBody, headers, seconds: 2 });
    eventsOverLimit = await runLoad({ url, body: eventBody, headers, seconds });
  } finally {
    await limited.stop();
  }
  return {
    bare,
    events,
    eventsManyNames,
    beacons,
    beaconOverLimit,
    eventsOverLimit,
    beaconCount,
    overLimitStored,
    overLimitAllowed,
  };
}

/** The issue's bars, as lines that say whether each holds. */
export function beaconVerdicts(f: BeaconFigures): string[] {
  const pct = (a: LoadResult, b: LoadResult) => a.requestsPerSecond / b.requestsPerSecond * 100;
  const line = (holds: boolean, text: string) => `${holds ? "ok  " : "MISS"} ${text}`;
  return [
    line(
      pct(f.beacons, f.events) >= 80,
      `beacons at ${pct(f.beacons, f.events).toFixed(1)}% of the events endpoint (bar: 80%)`,
    ),
    `     (events over ${f.beaconCount} names: beacons at ${
      pct(f.beacons, f.eventsManyNames).toFixed(1)
    }% of them)`,
    line(
      pct(f.beaconOverLimit, f.beacons) >= 100,
      `beacon 429 path at ${pct(f.beaconOverLimit, f.beacons).toFixed(1)}% of accepted beacons`,
    ),
    line(
      pct(f.eventsOverLimit, f.events) >= 100,
      `events 429 path at ${pct(f.eventsOverLimit, f.events).toFixed(1)}% of accepted events`,
    ),
    line(
      f.beacons.non2xx === 0 && f.beacons.errors === 0,
      `accepted beacon run: ${f.beacons.non2xx} refused, ${f.beacons.errors} socket errors`,
    ),
    line(
      f.overLimitStored >= 60 && f.overLimitStored <= f.overLimitAllowed,
      `exhausted beacon stored ${f.overLimitStored} rows (at most ${f.overLimitAllowed})`,
    ),
  ];
}

if (import.meta.main) {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
  const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
  const f = await benchBeacons(seconds, rounds);
  console.log(
    `beacons: 64 connections, ${seconds} s runs (events, beacons: median of ${rounds} ` +
      "alternating rounds), loopback, PostgreSQL",
  );
  console.log(formatRow("bare Deno.serve (baseline)", f.bare));
  console.log(formatRow("events (limiter on)", f.events, f.bare));
  console.log(formatRow(`events (${f.beaconCount} names)`, f.eventsManyNames, f.bare));
  console.log(formatRow(`beacons (${f.beaconCount} tokens, 60/10 s)`, f.beacons, f.bare));
  console.log(formatRow("beacon over its limit (429)", f.beaconOverLimit, f.bare));
  console.log(formatRow("events over the app limit (429)", f.eventsOverLimit, f.bare));
  for (const verdict of beaconVerdicts(f)) console.log(verdict);
}
