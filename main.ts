import { parseArgs } from "node:util";
import { newAppBody } from "./lib/domain/app_input.ts";
import { type Config, ConfigError, readConfig } from "./lib/config.ts";
import { embeddedFiles } from "./lib/embedded.ts";
import { retentionTasks, runRetention } from "./lib/jobs/retention.ts";
import { pruneOldIdempotencyKeys } from "./lib/jobs/idempotency_keys.ts";
import { jsonLogger, type Logger } from "./lib/log.ts";
import { createServices, type Services } from "./lib/services.ts";
import { createAppWithToken, rotateAppToken } from "./lib/store/app_admin.ts";
import { applyTokenNotice, TOKEN_CHANNEL } from "./lib/store/app_tokens.ts";
import { type Database, migrate, openDatabase } from "./lib/store/database.ts";
import { ensureOperator } from "./lib/store/operators.ts";
import { createApp } from "./lib/web/app.ts";
import { json } from "./lib/web/http_error.ts";
import { migrations } from "./migrations/mod.ts";
import { manifest } from "./routes.gen.ts";

export interface RunningServer {
  readonly url: string;
  readonly services: Services;
  /** Runs the retention tasks now (the daily cron calls this); rows deleted per task. */
  retain(now?: Date): Promise<Record<string, number>>;
  /**
   * Stops taking requests and waits for those in flight, then finishes registered work
   * (drains), the write queue and KV counters, and closes the database and KV.
   */
  shutdown(): Promise<void>;
}

/** The shared KV at HARTSLAG_KV_URL (KV Connect), else a file in the data directory. */
async function openKv(config: Config): Promise<Deno.Kv> {
  if (config.kvUrl) return await Deno.openKv(config.kvUrl);
  await Deno.mkdir(config.dataDir, { recursive: true });
  return await Deno.openKv(`${config.dataDir}/hartslag.kv`);
}

function open(config: Config): Promise<Database> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    pglite: embeddedFiles()?.pglite,
  });
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
  const database = await open(config);
  const applied = await migrate(database.db, migrations);
  if (applied.length) log.log("info", "migrations applied", { applied });
  if (config.adminEmail && config.adminPassword) {
    const outcome = await ensureOperator(database.db, config.adminEmail, config.adminPassword);
    if (outcome !== "unchanged") {
      log.log("info", `operator ${outcome}`, { email: config.adminEmail });
    }
  }
  let kv: Deno.Kv;
  try {
    kv = kvPath === undefined ? await openKv(config) : await Deno.openKv(kvPath);
  } catch (error) {
    await database.close();
    throw error;
  }
  const services = createServices({
    config,
    database,
    kv,
    log,
    now,
  });
  // Another instance rotated a token: drop it from this one's cache at once.
  const unlisten = await database.listen?.(
    TOKEN_CHANNEL,
    (payload) => applyTokenNotice(payload, services.tokenEvictions),
  ).catch((error) => {
    log.log("warn", "token notices unavailable; rotations reach this instance by cache expiry", {
      error,
    });
    return undefined;
  });
  const app = createApp(services, manifest);
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: () => {},
    onError: (error) => {
      log.log("error", "unhandled server error", { error });
      return json({ error: "internal_error", message: "Something went wrong on our side." }, 500);
    },
  }, app.fetch);
  const address = server.addr as Deno.NetAddr;
  const host = address.hostname === "0.0.0.0" ? "127.0.0.1" : address.hostname;
  const url = `http://${host}:${address.port}`;
  services.monitorLoop.start();
  services.drains.push(() => services.monitorLoop.stop());
  services.rollupFolder.start();
  log.log("info", "listening", {
    url,
    database: database.kind,
    build: embeddedFiles() ? "single-file" : "source",
  });
  let stopping: Promise<void> | undefined;
  let retaining: Promise<unknown> | undefined;
  return {
    url,
    services,
    retain(at = services.now()) {
      const run = runRetention(services.retention, {
        now: at,
        batchSize: config.retention.batchSize,
        signal: services.lifetime.signal,
        log,
      });
      retaining = run;
      return run;
    },
    shutdown() {
      stopping ??= (async () => {
        services.lifetime.abort();
        await server.shutdown();
        const drained = await Promise.allSettled(services.drains.map((drain) => drain()));
        for (const result of drained) {
          if (result.status === "rejected") {
            log.log("error", "drain failed", { error: result.reason });
          }
        }
        await retaining; // a pruning run stops after its current batch
        await services.eventWriter.close();
        await services.rollupFolder.stop();
        await services.live.flush();
        await services.rateLimiter.close();
        await unlisten?.().catch(() => {});
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
  if (running.services.retention.length > 0) {
    // Daily at 03:17 UTC; every instance runs it, and pruning is idempotent.
    Deno.cron(
      "hartslag retention",
      "17 3 * * *",
      { signal: running.services.lifetime.signal },
      async () => {
        await running.retain();
      },
    );
  }
  // The durable backstop: a sweep every minute even if the in-process timer were lost.
  Deno.cron("monitor sweep", "* * * * *", async () => {
    await running.services.monitorLoop.runOnce();
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log("info", "shutting down", { signal });
    const deadline = setTimeout(() => {
      log.log("error", "shutdown timed out; exiting with work unfinished", {
        timeoutMs: config.shutdownTimeoutMs,
      });
      Deno.exit(1);
    }, config.shutdownTimeoutMs);
    try {
      await running.shutdown();
      clearTimeout(deadline);
      log.log("info", "stopped");
      Deno.exit(0);
    } catch (error) {
      log.log("error", "shutdown failed", { error });
      Deno.exit(1);
    }
  };
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
}

async function runMigrations(config: Config, log: Logger) {
  const database = await open(config);
  try {
    const applied = await migrate(database.db, migrations);
    log.log("info", applied.length ? "migrations applied" : "database is up to date", {
      applied,
    });
  } finally {
    await database.close();
  }
}

async function createAppCommand(config: Config, log: Logger, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { name: { type: "string" }, timezone: { type: "string" } },
    strict: true,
  });
  const input = newAppBody.safeParse({ name: values.name ?? "", timezone: values.timezone });
  if (!input.success) {
    for (const issue of input.error.issues) {
      console.error(`--${issue.path.join(".")}: ${issue.message}`);
    }
    console.error("usage: hartslag create-app --name <name> [--timezone <IANA zone>]");
    return 2;
  }
  const database = await open(config);
  try {
    await migrate(database.db, migrations);
    const { app, token } = await createAppWithToken(database.db, input.data);
    log.log("info", "app created", { appId: app.id });
    console.log(JSON.stringify({ id: app.id, name: app.name, timezone: app.timezone, token }));
    return 0;
  } finally {
    await database.close();
  }
}

async function rotateTokenCommand(config: Config, log: Logger, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { app: { type: "string" } }, strict: true });
  if (!values.app) {
    console.error("usage: hartslag rotate-token --app <app id>");
    return 2;
  }
  const database = await open(config);
  try {
    await migrate(database.db, migrations);
    const token = await rotateAppToken(database.db, values.app);
    if (!token) {
      console.error(`no app with id ${JSON.stringify(values.app)}`);
      return 1;
    }
    log.log("info", "app token rotated", { appId: values.app });
    console.log(JSON.stringify({ id: values.app, token }));
    return 0;
  } finally {
    await database.close();
  }
}

async function pruneCommand(config: Config, log: Logger): Promise<number> {
  const database = await open(config);
  try {
    await migrate(database.db, migrations);
    const tasks = retentionTasks(config, database.db);
    if (tasks.length === 0) log.log("info", "no retention configured: nothing to prune");
    const deleted = await runRetention(tasks, {
      now: new Date(),
      batchSize: config.retention.batchSize,
      log,
    });
    console.log(JSON.stringify({ deleted }));
    return 0;
  } finally {
    await database.close();
  }
}

const usage = `usage: hartslag <command> [options]

commands:
  serve                                      start the HTTP service (default)
  migrate                                    apply pending database migrations and exit
  create-app --name <name> [--timezone <z>]  create an app; prints it with its token as JSON
  rotate-token --app <app id>                give the app a new token (the old one stops)
  prune                                      apply the retention settings now and exit

Configuration comes from the environment (see the README).`;

/**
 * The command line: main.ts from source, and the entry point of the single-file bundle and
 * the compiled binary. Logs go to stdout for `serve` and to stderr for one-off commands,
 * whose stdout is their result.
 */
export async function runCli(args: string[]): Promise<void> {
  const [command = "serve", ...rest] = args;
  if (command === "help" || command === "--help" || command === "-h") {
    console.log(usage);
    return;
  }
  const log = command === "serve" ? jsonLogger() : jsonLogger((line) => console.error(line));
  let code: number;
  try {
    const config = readConfig(Deno.env.toObject());
    if (command === "serve") {
      await serve(config, log);
      return;
    }
    if (command === "migrate") {
      await runMigrations(config, log);
      code = 0;
    } else if (command === "create-app") code = await createAppCommand(config, log, rest);
    else if (command === "rotate-token") code = await rotateTokenCommand(config, log, rest);
    else if (command === "prune") code = await pruneCommand(config, log);
    else {
      console.error(usage);
      code = 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      code = 2;
    } else if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(error as Error).message}\n\n${usage}`);
      code = 2;
    } else {
      log.log("error", "fatal", { error });
      code = 1;
    }
  }
  Deno.exit(code);
}

if (import.meta.main) await runCli(Deno.args);
