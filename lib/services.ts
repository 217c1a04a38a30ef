import type { Kysely } from "kysely";
import type { Config } from "./config.ts";
import { SignInLimits } from "./domain/attempt_limiter.ts";
import { MONITOR_STATUSES } from "./domain/monitor_status.ts";
import { MonitorLoop } from "./jobs/monitor_loop.ts";
import { RollupFolder } from "./jobs/rollup_folder.ts";
import { type RetentionTask, retentionTasks } from "./jobs/retention.ts";
import { LiveCounters } from "./kv/live_counters.ts";
import { RateLimiter } from "./kv/rate_limiter.ts";
import type { Logger } from "./log.ts";
import { createServiceMetrics, type ServiceMetrics } from "./metrics/mod.ts";
import { AppTokens } from "./store/app_tokens.ts";
import { BeaconTokens } from "./store/beacon_tokens.ts";
import type { Database, DatabaseKind } from "./store/database.ts";
import { insertEvents, type NewEvent } from "./store/events.ts";
import { GroupWriter } from "./store/group_writer.ts";
import type { Schema } from "./store/schema.ts";
import { countMonitorsByStatus } from "./store/sweep.ts";

/** What handlers and jobs work with; built once by main.ts (or a test) and passed down. */
export interface Services {
  readonly config: Config;
  readonly db: Kysely<Schema>;
  readonly database: Database;
  readonly databaseKind: DatabaseKind;
  readonly kv: Deno.Kv;
  readonly appTokens: AppTokens;
  readonly eventWriter: GroupWriter<NewEvent>;
  /** Moves the writer's rollup deltas into the rollups (started by main.ts). */
  readonly rollupFolder: RollupFolder;
  readonly live: LiveCounters;
  /** Beacon token → beacon and its rate policy, cached. */
  readonly beaconTokens: BeaconTokens;
  /** Sliding windows per beacon and per app token; close() writes them to KV. */
  readonly rateLimiter: RateLimiter;
  readonly log: Logger;
  /** Dashboard sign-in throttling (per email and per client address). */
  readonly signInLimits: SignInLimits;
  /** Aborted when the server starts to stop: long-lived responses (live pages) end on it. */
  readonly lifetime: AbortController;
  /** Metrics served at GET /metrics; modules record into it or register their own. */
  readonly metrics: ServiceMetrics;
  /** Pruning tasks of the daily retention job (lib/jobs/retention.ts); modules add theirs. */
  readonly retention: RetentionTask[];
  /**
   * Work to finish when the server stops, run after it stops taking requests and before the
   * write queue, KV and database close (e.g. alert deliveries in progress). Each must settle
   * on its own within a bounded time.
   */
  readonly drains: (() => Promise<void>)[];
  /**
   * Token caches by kind, for notices that a token changed on another instance
   * (`app:<id>` → appTokens.forget). Modules with tokens of their own add their kind.
   */
  readonly tokenEvictions: Map<string, (id: string) => void>;
  /** Sweep and alert delivery of this instance (started by main.ts). */
  readonly monitorLoop: MonitorLoop;
  now(): Date;
}

export interface ServiceParts {
  config: Config;
  database: Database;
  kv: Deno.Kv;
  log: Logger;
  now?: () => Date;
}

export function createServices(parts: ServiceParts): Services {
  const { config, kv, log } = parts;
  const db = parts.database.db;
  const metrics = createServiceMetrics();
  const live = new LiveCounters(
    kv,
    (error) => log.log("warn", "live counter update failed", { error }),
  );
  const eventWriter: GroupWriter<NewEvent> = new GroupWriter<NewEvent>({
    commit: (batch) => insertEvents(parts.database, batch),
    afterCommit: (batch) => {
      for (const event of batch) live.add(event.appId, event.event);
    },
    onError: (error, batchSize) => log.log("error", "event batch failed", { error, batchSize }),
    onOverdue: () => {
      log.log("warn", "an event batch did not commit in time; reconnecting for the next ones");
      parts.database.abandonBatchConnection?.();
    },
    onBatch: metrics.writers.watch("events", () => eventWriter),
    ...config.writer,
  });
  const rollupFolder = new RollupFolder({
    db,
    log,
    intervalMs: config.rollupFoldMs,
    batch: 50_000,
  });
  const appTokens = new AppTokens(db, config.tokenCacheMs);
  const beaconTokens = new BeaconTokens(db, config.rateLimits.beacon);
  const retention = retentionTasks(config, db);
  const rateLimiter = new RateLimiter(kv, {
    onError: (what, error, suppressed) =>
      log.log("error", "rate limit windows unavailable in KV; deciding in memory", {
        what,
        error,
        suppressed,
      }),
  });
  const now = parts.now ?? (() => new Date());
  const m = config.monitors;
  const monitorLoop = new MonitorLoop({
    db,
    now,
    log,
    aliveTickMs: m.aliveTickMs,
    downtimeGapMs: m.downtimeGapMs,
    pollMs: m.pollMs,
    delivery: {
      instance: crypto.randomUUID(),
      timeoutMs: m.alertTimeoutMs,
      retryMs: m.alertRetryMs,
      maxAttempts: m.alertAttempts,
      smtp: m.smtpUrl && m.smtpFrom ? { url: m.smtpUrl, from: m.smtpFrom } : undefined,
      baseUrl: config.baseUrl,
      onAttempt: (channel, outcome) => metrics.alertDeliveries.labels({ channel, outcome }).inc(),
    },
  });
  metrics.monitors.collectWith(async (gauge) => {
    const counts = await countMonitorsByStatus(db);
    for (const status of MONITOR_STATUSES) gauge.labels({ status }).set(counts.get(status) ?? 0);
  });
  return {
    config,
    db,
    database: parts.database,
    databaseKind: parts.database.kind,
    kv,
    appTokens,
    eventWriter,
    rollupFolder,
    live,
    beaconTokens,
    rateLimiter,
    log,
    signInLimits: new SignInLimits(),
    lifetime: new AbortController(),
    metrics,
    retention,
    drains: [],
    tokenEvictions: new Map([
      ["app", (id) => appTokens.forget(id)],
      ["beacon", (id) => beaconTokens.forget(id)],
    ]),
    monitorLoop,
    now,
  };
}
