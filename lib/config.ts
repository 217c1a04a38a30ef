import { z } from "zod";
import type { RatePolicy } from "./domain/sliding_window.ts";

/** Everything the service reads from its environment, parsed once and frozen. */
export interface Config {
  readonly port: number;
  readonly hostname: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly adminToken: string | undefined;
  readonly baseUrl: string | undefined;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly writer: {
    readonly maxBatch: number;
    readonly maxInFlight: number;
    readonly maxQueue: number;
    readonly maxWaitMs: number;
    readonly pipelineDepth: number;
  };
  /** Pause between two folds of rollup deltas into the rollups. */
  readonly rollupFoldMs: number;
  /** Bearer token that GET /metrics requires; unset: /metrics is open. */
  readonly metricsToken: string | undefined;
  /** Share of requests written to the access log: 0 (off, the default) to 1 (every one). */
  readonly accessLogSample: number;
  readonly retention: {
    /** Raw events older than this many days are pruned daily; unset: kept forever. */
    readonly eventsDays: number | undefined;
    /** Rows deleted per statement while pruning. */
    readonly batchSize: number;
  };
  /** A KV Connect URL (self-hosted denokv or Deno Deploy) shared by every instance. */
  readonly kvUrl: string | undefined;
  /**
   * How long a token → app answer is cached. Bounds how long another instance accepts a
   * rotated token when it misses the rotation's notice (embedded database, lost connection).
   */
  readonly tokenCacheMs: number;
  /** How long a SIGTERM waits for in-flight work before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  readonly rateLimits: {
    /** Each beacon's default sliding window (a beacon may carry its own limit). */
    readonly beacon: RatePolicy;
    /** Each app token's window on POST /api/v1/heartbeat; null: not limited. */
    readonly app: RatePolicy | null;
  };
  readonly monitors: MonitorConfig;
}

/** Sweep, liveness and alert delivery settings. */
export interface MonitorConfig {
  /** How often an instance records that the service is alive. */
  readonly aliveTickMs: number;
  /** A silence longer than this means the service was down (fresh grace periods follow). */
  readonly downtimeGapMs: number;
  /** The in-process timer looks at the database at least this often. */
  readonly pollMs: number;
  /** One alert delivery attempt may take this long. */
  readonly alertTimeoutMs: number;
  /** The first retry waits this long; each next one twice as long (at most an hour). */
  readonly alertRetryMs: number;
  /** Attempts per delivery before it is given up as failed. */
  readonly alertAttempts: number;
  /** SMTP for email channels: smtp://user:pass@host:port or smtps://…; unset: no email. */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string | undefined;
}

const optionalText = z.string().trim().min(1).optional().catch(undefined);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A request count, or `off` (or 0) for no limit. */
const limitOrOff = (fallback: number) =>
  z.union([
    z.string().trim().toLowerCase().pipe(z.literal("off")).transform(() => 0),
    z.coerce.number().int().min(0).max(1_000_000_000),
  ]).default(fallback);

const windowSeconds = (fallback: number) =>
  z.coerce.number().int().positive().max(86_400).default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HARTSLAG_HOSTNAME: z.string().min(1).default("0.0.0.0"),
  HARTSLAG_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  HARTSLAG_ADMIN_TOKEN: optionalText,
  HARTSLAG_BASE_URL: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  HARTSLAG_ADMIN_EMAIL: z.email().optional(),
  HARTSLAG_ADMIN_PASSWORD: z.string().min(8).optional(),
  HARTSLAG_WRITER_BATCH: positiveInt(1000),
  HARTSLAG_WRITER_IN_FLIGHT: positiveInt(4),
  HARTSLAG_WRITER_QUEUE: positiveInt(20_000),
  HARTSLAG_WRITER_WAIT_MS: positiveInt(10_000),
  HARTSLAG_WRITER_PIPELINE_DEPTH: positiveInt(256),
  HARTSLAG_ROLLUP_FOLD_MS: positiveInt(5000),
  HARTSLAG_METRICS_TOKEN: optionalText,
  HARTSLAG_ACCESS_LOG: z.string().trim().toLowerCase().default("off").transform((v, ctx) => {
    if (v === "off" || v === "false" || v === "0") return 0;
    if (v === "on" || v === "true" || v === "all") return 1;
    const share = Number(v);
    if (Number.isFinite(share) && share >= 0 && share <= 1) return share;
    ctx.addIssue({ code: "custom", message: "must be off, all, or a share between 0 and 1" });
    return z.NEVER;
  }),
  HARTSLAG_EVENTS_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  HARTSLAG_RETENTION_BATCH: positiveInt(5_000),
  HARTSLAG_KV_URL: z.url({ protocol: /^https?$/ }).optional(),
  HARTSLAG_SHUTDOWN_TIMEOUT_MS: positiveInt(30_000),
  HARTSLAG_TOKEN_CACHE_MS: positiveInt(5_000),
  DENO_KV_ACCESS_TOKEN: optionalText,
  HARTSLAG_BEACON_RATE_LIMIT: z.coerce.number().int().positive().max(1_000_000_000).default(60),
  HARTSLAG_BEACON_RATE_WINDOW_S: windowSeconds(10),
  HARTSLAG_APP_RATE_LIMIT: limitOrOff(100_000),
  HARTSLAG_APP_RATE_WINDOW_S: windowSeconds(60),
  HARTSLAG_ALIVE_TICK_MS: positiveInt(1_000),
  HARTSLAG_DOWNTIME_GAP_MS: positiveInt(3_000),
  HARTSLAG_SWEEP_POLL_MS: positiveInt(5_000),
  HARTSLAG_ALERT_TIMEOUT_MS: positiveInt(10_000),
  HARTSLAG_ALERT_RETRY_MS: positiveInt(5_000),
  HARTSLAG_ALERT_ATTEMPTS: positiveInt(8),
  HARTSLAG_SMTP_URL: z.string().trim().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  HARTSLAG_SMTP_FROM: z.string().trim().min(3).optional(),
});

export class ConfigError extends Error {}

/** Reads a plain record of variables (Deno.env.toObject() in main.ts, literals in tests). */
export function readConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      `${issue.path.join(".")}: ${issue.message}`
    );
    throw new ConfigError(`invalid environment:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  if ((e.HARTSLAG_ADMIN_EMAIL === undefined) !== (e.HARTSLAG_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      "invalid environment:\n  HARTSLAG_ADMIN_EMAIL and HARTSLAG_ADMIN_PASSWORD must be set together",
    );
  }
  if (e.HARTSLAG_KV_URL !== undefined && e.DENO_KV_ACCESS_TOKEN === undefined) {
    throw new ConfigError(
      "invalid environment:\n  HARTSLAG_KV_URL needs DENO_KV_ACCESS_TOKEN (the KV Connect access token)",
    );
  }
  if ((e.HARTSLAG_SMTP_URL === undefined) !== (e.HARTSLAG_SMTP_FROM === undefined)) {
    throw new ConfigError(
      "invalid environment:\n  HARTSLAG_SMTP_URL and HARTSLAG_SMTP_FROM must be set together",
    );
  }
  if (e.HARTSLAG_DOWNTIME_GAP_MS <= e.HARTSLAG_ALIVE_TICK_MS) {
    throw new ConfigError(
      "invalid environment:\n  HARTSLAG_DOWNTIME_GAP_MS must be longer than HARTSLAG_ALIVE_TICK_MS",
    );
  }
  return Object.freeze({
    port: e.PORT,
    hostname: e.HARTSLAG_HOSTNAME,
    dataDir: e.HARTSLAG_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    adminToken: e.HARTSLAG_ADMIN_TOKEN,
    baseUrl: e.HARTSLAG_BASE_URL,
    adminEmail: e.HARTSLAG_ADMIN_EMAIL,
    adminPassword: e.HARTSLAG_ADMIN_PASSWORD,
    writer: Object.freeze({
      maxBatch: e.HARTSLAG_WRITER_BATCH,
      maxInFlight: e.HARTSLAG_WRITER_IN_FLIGHT,
      maxQueue: e.HARTSLAG_WRITER_QUEUE,
      maxWaitMs: e.HARTSLAG_WRITER_WAIT_MS,
      pipelineDepth: e.HARTSLAG_WRITER_PIPELINE_DEPTH,
    }),
    rollupFoldMs: e.HARTSLAG_ROLLUP_FOLD_MS,
    metricsToken: e.HARTSLAG_METRICS_TOKEN,
    accessLogSample: e.HARTSLAG_ACCESS_LOG,
    retention: Object.freeze({
      eventsDays: e.HARTSLAG_EVENTS_RETENTION_DAYS,
      batchSize: e.HARTSLAG_RETENTION_BATCH,
    }),
    kvUrl: e.HARTSLAG_KV_URL,
    tokenCacheMs: e.HARTSLAG_TOKEN_CACHE_MS,
    shutdownTimeoutMs: e.HARTSLAG_SHUTDOWN_TIMEOUT_MS,
    rateLimits: Object.freeze({
      beacon: Object.freeze({
        limit: e.HARTSLAG_BEACON_RATE_LIMIT,
        windowMs: e.HARTSLAG_BEACON_RATE_WINDOW_S * 1000,
      }),
      app: e.HARTSLAG_APP_RATE_LIMIT === 0 ? null : Object.freeze({
        limit: e.HARTSLAG_APP_RATE_LIMIT,
        windowMs: e.HARTSLAG_APP_RATE_WINDOW_S * 1000,
      }),
    }),
    monitors: Object.freeze({
      aliveTickMs: e.HARTSLAG_ALIVE_TICK_MS,
      downtimeGapMs: e.HARTSLAG_DOWNTIME_GAP_MS,
      pollMs: e.HARTSLAG_SWEEP_POLL_MS,
      alertTimeoutMs: e.HARTSLAG_ALERT_TIMEOUT_MS,
      alertRetryMs: e.HARTSLAG_ALERT_RETRY_MS,
      alertAttempts: e.HARTSLAG_ALERT_ATTEMPTS,
      smtpUrl: e.HARTSLAG_SMTP_URL,
      smtpFrom: e.HARTSLAG_SMTP_FROM,
    }),
  });
}
