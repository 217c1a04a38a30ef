import { type Config, ConfigError, readConfig } from "./lib/config.ts";
import { jsonLogger, type Logger } from "./lib/log.ts";
import { createServices, type Services } from "./lib/services.ts";
import { migrate, openDatabase } from "./lib/store/database.ts";
import { createApp } from "./lib/web/app.ts";
import { migrations } from "./migrations/mod.ts";
import { manifest } from "./routes.gen.ts";

export interface RunningServer {
  readonly url: string;
  readonly services: Services;
  /** Stops taking requests, drains the write queue, closes the database and KV. */
  shutdown(): Promise<void>;
}

async function openKv(config: Config): Promise<Deno.Kv> {
  await Deno.mkdir(config.dataDir, { recursive: true });
  return await Deno.openKv(`${config.dataDir}/hartslag.kv`);
}

export interface StartOptions {
  log?: Logger;
  /** A KV path other than the data directory's (tests use ":memory:"). */
  kvPath?: string;
  /** The clock; tests pin it to check local-day arithmetic. */
  now?: () => Date;
}

let socketErrorsGuarded = false;

/**
 * Errors postgres.js (3.4.x) raises where nobody can catch them when a connection drops:
 * a socket error after it stopped listening to the socket, and a queued write to a socket
 * it already let go (`socket` is null).
 */
function isLateSocketError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const stack = error.stack ?? "";
  return (/^(connect|read|write) (ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)\b/.test(error.message) &&
    /ext:deno_node\/net\.ts/.test(stack)) ||
    (error instanceof TypeError &&
      error.message === "Cannot read properties of null (reading 'write')" &&
      /postgres\/[\d.]+\/src\/connection\.js/.test(stack));
}

/**
 * The query such an error belonged to fails on its own (error, connect timeout), so the
 * error is logged rather than ending the whole process.
 */
export function guardLateSocketErrors(log: Logger): void {
  if (socketErrorsGuarded) return;
  socketErrorsGuarded = true;
  const swallow = (event: Event, error: unknown) => {
    if (!isLateSocketError(error)) return;
    event.preventDefault();
    log.log("warn", "late database socket error", { error: (error as Error).message });
  };
  globalThis.addEventListener("unhandledrejection", (e) => swallow(e, e.reason));
  globalThis.addEventListener("error", (e) => swallow(e, e.error));
}

/** Composition root: database (+ migrations) → KV → services → HTTP server. */
export async function startServer(
  config: Config,
  { log = jsonLogger(), kvPath, now }: StartOptions = {},
): Promise<RunningServer> {
  if (config.databaseUrl) guardLateSocketErrors(log);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrate(database.db, migrations);
  if (applied.length) log.log("info", "migrations applied", { applied });
  const kv = kvPath === undefined ? await openKv(config) : await Deno.openKv(kvPath);
  const services = createServices({
    config,
    db: database.db,
    databaseKind: database.kind,
    kv,
    log,
    now,
  });
  const app = createApp(services, manifest);
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: () => {},
  }, app.fetch);
  const address = server.addr as Deno.NetAddr;
  const host = address.hostname === "0.0.0.0" ? "127.0.0.1" : address.hostname;
  const url = `http://${host}:${address.port}`;
  services.monitorLoop.start();
  log.log("info", "listening", { url, database: database.kind });
  let stopping: Promise<void> | undefined;
  return {
    url,
    services,
    shutdown() {
      stopping ??= (async () => {
        await server.shutdown();
        await services.monitorLoop.stop();
        await services.eventWriter.close();
        await services.live.flush();
        kv.close();
        await database.close();
      })();
      return stopping;
    },
  };
}

async function serve(config: Config, log: Logger) {
  const running = await startServer(config, { log });
  // The durable backstop: a sweep every minute even if the in-process timer were lost.
  Deno.cron("monitor sweep", "* * * * *", async () => {
    await running.services.monitorLoop.runOnce();
  });
  const stop = async (signal: string) => {
    log.log("info", "shutting down", { signal });
    await running.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
}

async function runMigrations(config: Config, log: Logger) {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(database.db, migrations);
    log.log("info", applied.length ? "migrations applied" : "database is up to date", {
      applied,
    });
  } finally {
    await database.close();
  }
}

const usage = `usage: hartslag <command>

commands:
  serve     start the HTTP service (default)
  migrate   apply pending database migrations and exit`;

if (import.meta.main) {
  const log = jsonLogger();
  try {
    const config = readConfig(Deno.env.toObject());
    const [command = "serve"] = Deno.args;
    if (command === "serve") await serve(config, log);
    else if (command === "migrate") await runMigrations(config, log);
    else {
      console.error(usage);
      Deno.exit(2);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      Deno.exit(2);
    }
    log.log("error", "fatal", { error });
    Deno.exit(1);
  }
}
