/**
 * Shared benchmark plumbing: wrk as the load generator, a bare-server baseline, and a real
 * Hartslag server over the local PostgreSQL. Every scenario reports figures as ratios
 * against a baseline measured in the same run.
 */
import { createTestDatabase, type TestDatabase } from "../tests/support/postgres.ts";
import { type ServerProcess, spawnServer } from "../tests/support/process.ts";

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status code class, as wrk counts them (non-2xx/3xx). */
  non2xx: number;
  errors: number;
}

export interface Load {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** A Lua snippet defining `request()` for varied requests; overrides body/headers. */
  luaRequest?: string;
  connections?: number;
  seconds?: number;
}

export async function ensureWrk(): Promise<void> {
  const found = await new Deno.Command("sh", { args: ["-c", "command -v wrk"] }).output();
  if (found.success) return;
  console.error("installing wrk from Debian's packages…");
  const install = await new Deno.Command("sh", {
    args: ["-c", "apt-get update -qq && apt-get install -y -qq wrk"],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!install.success) throw new Error("wrk is needed: apt-get install wrk");
}

function luaString(text: string): string {
  return JSON.stringify(text); // JSON string escapes are valid Lua escapes for these inputs
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n;
}

/** Drives `load.url` with wrk (2 threads) and parses its report. */
export async function runLoad(load: Load): Promise<LoadResult> {
  const lines = [
    `wrk.method = ${luaString(load.method ?? "POST")}`,
    ...(load.body !== undefined ? [`wrk.body = ${luaString(load.body)}`] : []),
    ...Object.entries(load.headers ?? {}).map(([k, v]) =>
      `wrk.headers[${luaString(k)}] = ${luaString(v)}`
    ),
    load.luaRequest ?? "",
  ];
  const script = await Deno.makeTempFile({ suffix: ".lua" });
  await Deno.writeTextFile(script, lines.join("\n"));
  try {
    const { stdout, success, stderr } = await new Deno.Command("wrk", {
      args: [
        "-t2",
        `-c${load.connections ?? 64}`,
        `-d${load.seconds ?? 10}s`,
        "--latency",
        "-s",
        script,
        load.url,
      ],
    }).output();
    const report = new TextDecoder().decode(stdout);
    if (!success) throw new Error(`wrk failed: ${new TextDecoder().decode(stderr)}`);
    const percentile = (p: string) => {
      const match = report.match(new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m"));
      return match ? toMs(match[1], match[2]) : NaN;
    };
    const rps = Number(report.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN);
    const non2xx = Number(report.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
    const socket = report.match(
      /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
    );
    const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
    return {
      requestsPerSecond: rps,
      p50Ms: percentile("50"),
      p99Ms: percentile("99"),
      non2xx,
      errors,
    };
  } finally {
    await Deno.remove(script);
  }
}

/** The bare Deno.serve baseline in its own process. */
export async function startBareServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", new URL("./bare_server.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/listening (\d+)/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bare server exited");
    seen += value;
  }
  const port = seen.match(/listening (\d+)/)![1];
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

export interface HartslagUnderTest {
  server: ServerProcess;
  database: TestDatabase;
  adminToken: string;
  stop(): Promise<void>;
}

/** Hartslag as `deno task start` runs it, over a fresh database on the local PostgreSQL. */
export async function startHartslag(env: Record<string, string> = {}): Promise<HartslagUnderTest> {
  const database = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-bench-" });
  const adminToken = "bench-admin";
  const server = await spawnServer({
    DATABASE_URL: database.url,
    HARTSLAG_DATA_DIR: dataDir,
    HARTSLAG_ADMIN_TOKEN: adminToken,
    ...env,
  });
  return {
    server,
    database,
    adminToken,
    async stop() {
      await server.kill("SIGTERM");
      await database.drop();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

export async function createBenchApp(h: HartslagUnderTest, name = "bench") {
  const res = await fetch(`${h.server.url}/api/v1/apps`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`create app: ${res.status} ${await res.text()}`);
  return await res.json() as { id: string; token: string };
}

export function formatRow(name: string, r: LoadResult, baseline?: LoadResult): string {
  const ratio = baseline
    ? ` ${(r.requestsPerSecond / baseline.requestsPerSecond * 100).toFixed(1)}% of baseline`
    : "";
  const bad = r.non2xx || r.errors ? ` (non-2xx ${r.non2xx}, socket errors ${r.errors})` : "";
  return `${name.padEnd(34)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${
    r.p50Ms.toFixed(2).padStart(6)
  } ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms${ratio}${bad}`;
}

/** The run with the median throughput: a run disturbed by other work on the machine drops out. */
export function median(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)];
}
