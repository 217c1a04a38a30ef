import { type Config, ConfigError, readConfig } from "./lib/config.ts";
import { pruneOldIdempotencyKeys } from "./lib/jobs/idempotency_keys.ts";
import { jsonLogger, type Logger } from "./lib/log.ts";
import { createServices, type Services } from "./lib/services.ts";
import { migrate, openDatabase } from "./lib/store/database.ts";
import { ensureOperator } from "./lib/store/operators.ts";
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

let guarded = false;

/**
 * Keeps the process serving when a library throws from a timer: postgres.js can, while it
 * reconnects after the database dropped its connections. The error is logged, not fatal.
 */
function guardAgainstStrayErrors(log: Logger): void {
  if (guarded) return;
  guarded = true;
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    log.log("error", "uncaught error", { error: event.error });
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    log.log("error", "unhandled rejection", { error: event.reason });
  });
}

/** Composition root: database (+ migrations) → KV → services → HTTP server. */
export async function startServer(
  config: Config,
  { log = jsonLogger(), kvPath, now }: StartOptions = {},
): Promise<RunningServer> {
  guardAgainstStrayErrors(log);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrate(database.db, migrations);
  if (applied.length) log.log("info", "migrations applied", { applied });
  if (config.adminEmail && config.adminPassword) {
    const outcome = await ensureOperator(database.db, config.adminEmail, config.adminPassword);
    if (outcome !== "unchanged") {
      log.log("info", `operator ${outcome}`, { email: config.adminEmail });
    }
  }
  const kv = kvPath === undefined ? await openKv(config) : await Deno.openKv(kvPath);
  const services = createServices({
    config,
    database,
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
  log.log("info", "listening", { url, database: database.kind });
  let stopping: Promise<void> | undefined;
  return {
    url,
    services,
    shutdown() {
      stopping ??= (async () => {
        services.lifetime.abort();
        await server.shutdown();
        await services.eventWriter.close();
        await services.live.flush();
        await services.rateLimiter.close();
        try {
          kv.close();
        } catch (error) {
          log.log("warn", "KV was already closed", { error });
        }
        await database.close();
      })();
      return stopping;
    },
  };
}

async function serve(config: Config, log: Logger) {
  const running = await startServer(config, { log });
  Deno.cron(
    "prune idempotency keys",
    "17 * * * *",
    () => pruneOldIdempotencyKeys(running.services),
  );
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
