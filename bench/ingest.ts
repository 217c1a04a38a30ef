/**
 * Durable ingestion against a bare Deno.serve answering the same request: both driven by
 * wrk with the same load (64 connections) over loopback, in the same run.
 */
import {
  createBenchApp,
  ensureWrk,
  formatRow,
  type LoadResult,
  runLoad,
  startBareServer,
  startHartslag,
} from "./lib.ts";

export interface IngestFigures {
  bare: LoadResult;
  hartslag: LoadResult;
  storedRows: number;
  /** CPU time the Hartslag process spent per request during the run, in microseconds. */
  cpuMicrosPerRequest: number;
}

/** User + system CPU seconds a process has used so far (Linux /proc). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

const body = JSON.stringify({ event: "bench-event", weight: 3, user_id: 42 });

export async function benchIngest(seconds = 10): Promise<IngestFigures> {
  await ensureWrk();
  const bare = await startBareServer();
  let bareResult: LoadResult;
  try {
    await runLoad({ url: `${bare.url}/api/v1/heartbeat`, body, seconds: 2 }); // warm-up
    bareResult = await runLoad({
      url: `${bare.url}/api/v1/heartbeat`,
      body,
      headers: { "content-type": "application/json" },
      seconds,
    });
  } finally {
    await bare.stop();
  }
  // The app limiter stays on, with a limit this load never reaches (the default, 100 000 a
  // minute, would turn most of a 10 s run into 429s).
  const hartslag = await startHartslag({ HARTSLAG_APP_RATE_LIMIT: "1000000000" });
  try {
    const app = await createBenchApp(hartslag);
    const headers = { "content-type": "application/json", authorization: `Bearer ${app.token}` };
    const url = `${hartslag.server.url}/api/v1/heartbeat`;
    await runLoad({ url, body, headers, seconds: 2 }); // warm-up
    const cpuBefore = await cpuSeconds(hartslag.server.process.pid);
    const result = await runLoad({ url, body, headers, seconds });
    const cpu = await cpuSeconds(hartslag.server.process.pid) - cpuBefore;
    const summary = await fetch(`${hartslag.server.url}/api/v1/apps/${app.id}/events`, {
      headers: { authorization: `Bearer ${hartslag.adminToken}` },
    }).then((r) => r.json());
    return {
      bare: bareResult,
      hartslag: result,
      storedRows: summary.events[0]?.total.count ?? 0,
      cpuMicrosPerRequest: cpu * 1e6 / (result.requestsPerSecond * seconds),
    };
  } finally {
    await hartslag.stop();
  }
}

if (import.meta.main) {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
  const { bare, hartslag, storedRows, cpuMicrosPerRequest } = await benchIngest(seconds);
  console.log(`ingestion: POST /api/v1/heartbeat, 64 connections, ${seconds} s each, loopback`);
  console.log(formatRow("bare Deno.serve (baseline)", bare));
  console.log(formatRow("hartslag (durable, PostgreSQL)", hartslag, bare));
  console.log(`stored rows after the run (incl. warm-up): ${storedRows}`);
  console.log(
    `hartslag process CPU per request: ${cpuMicrosPerRequest.toFixed(1)} µs` +
      " (less sensitive than req/s to other load on the machine)",
  );
}
