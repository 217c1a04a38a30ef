/**
 * Durable ingestion against a bare Deno.serve answering the same request: both driven by
 * wrk with the same load (64 connections) over loopback, in alternating rounds of the same
 * run, so other work on the machine weighs on both alike.
 */
import {
  createBenchApp,
  ensureWrk,
  formatRow,
  type LoadResult,
  median,
  runLoad,
  startBareServer,
  startHartslag,
} from "./lib.ts";

export interface IngestFigures {
  bare: LoadResult;
  hartslag: LoadResult;
  storedRows: number;
  /** CPU time the Hartslag process spent per request during the measured runs, in µs. */
  cpuMicrosPerRequest: number;
}

/** User + system CPU seconds a process has used so far (Linux /proc). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

const body = JSON.stringify({ event: "bench-event", weight: 3, user_id: 42 });

export async function benchIngest(seconds = 10, rounds = 3): Promise<IngestFigures> {
  await ensureWrk();
  const bare = await startBareServer();
  // The app limiter stays on, with a limit this load never reaches (the default, 100 000 a
  // minute, would turn most of a 10 s run into 429s).
  const hartslag = await startHartslag({ HARTSLAG_APP_RATE_LIMIT: "1000000000" });
  try {
    const app = await createBenchApp(hartslag);
    const bareLoad = {
      url: `${bare.url}/api/v1/heartbeat`,
      body,
      headers: { "content-type": "application/json" },
    };
    const hartslagLoad = {
      url: `${hartslag.server.url}/api/v1/heartbeat`,
      body,
      headers: { "content-type": "application/json", authorization: `Bearer ${app.token}` },
    };
    await runLoad({ ...bareLoad, seconds: 2 }); // warm-up
    await runLoad({ ...hartslagLoad, seconds: 2 });
    const bareRuns: LoadResult[] = [];
    const hartslagRuns: LoadResult[] = [];
    let cpu = 0;
    for (let round = 0; round < rounds; round++) {
      bareRuns.push(await runLoad({ ...bareLoad, seconds }));
      const before = await cpuSeconds(hartslag.server.process.pid);
      hartslagRuns.push(await runLoad({ ...hartslagLoad, seconds }));
      cpu += await cpuSeconds(hartslag.server.process.pid) - before;
    }
    const served = hartslagRuns.reduce((sum, r) => sum + r.requestsPerSecond * seconds, 0);
    const summary = await fetch(`${hartslag.server.url}/api/v1/apps/${app.id}/events`, {
      headers: { authorization: `Bearer ${hartslag.adminToken}` },
    }).then((r) => r.json());
    return {
      bare: median(bareRuns),
      hartslag: median(hartslagRuns),
      storedRows: summary.events[0]?.total.count ?? 0,
      cpuMicrosPerRequest: cpu * 1e6 / served,
    };
  } finally {
    await bare.stop();
    await hartslag.stop();
  }
}

export function ingestReport(f: IngestFigures, seconds: number, rounds: number): string[] {
  const ratio = f.hartslag.requestsPerSecond / f.bare.requestsPerSecond * 100;
  return [
    `ingestion: POST /api/v1/heartbeat, 64 connections, ${seconds} s runs, median of ${rounds} ` +
    "alternating rounds, loopback, PostgreSQL",
    formatRow("bare Deno.serve (baseline)", f.bare),
    formatRow("hartslag (durable, 201 after commit)", f.hartslag, f.bare),
    `${ratio >= 30 ? "ok  " : "MISS"} durable ingestion at ${ratio.toFixed(1)}% of the bare ` +
    "server (bar: 30%)",
    `${f.hartslag.p99Ms < 25 ? "ok  " : "MISS"} p99 ${f.hartslag.p99Ms.toFixed(2)} ms (bar: 25 ms)`,
    `hartslag process CPU per request: ${f.cpuMicrosPerRequest.toFixed(1)} µs ` +
    "(less sensitive than req/s to other load on the machine)",
    `stored rows after the run (warm-up included): ${f.storedRows}`,
  ];
}

if (import.meta.main) {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
  const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
  console.log(ingestReport(await benchIngest(seconds, rounds), seconds, rounds).join("\n"));
}
