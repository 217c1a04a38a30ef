import type { Kysely } from "kysely";
import type { Config } from "./config.ts";
import { MonitorLoop } from "./jobs/monitor_loop.ts";
import { LiveCounters } from "./kv/live_counters.ts";
import type { Logger } from "./log.ts";
import { AppTokens } from "./store/app_tokens.ts";
import type { DatabaseKind } from "./store/database.ts";
import { insertEvents, type NewEvent } from "./store/events.ts";
import { GroupWriter } from "./store/group_writer.ts";
import type { Schema } from "./store/schema.ts";

/** What handlers and jobs work with; built once by main.ts (or a test) and passed down. */
export interface Services {
  readonly config: Config;
  readonly db: Kysely<Schema>;
  readonly databaseKind: DatabaseKind;
  readonly kv: Deno.Kv;
  readonly appTokens: AppTokens;
  readonly eventWriter: GroupWriter<NewEvent>;
  readonly live: LiveCounters;
  readonly log: Logger;
  /** Sweep and alert delivery of this instance (started by main.ts). */
  readonly monitorLoop: MonitorLoop;
  now(): Date;
}

export interface ServiceParts {
  config: Config;
  db: Kysely<Schema>;
  databaseKind: DatabaseKind;
  kv: Deno.Kv;
  log: Logger;
  now?: () => Date;
}

export function createServices(parts: ServiceParts): Services {
  const { config, db, kv, log } = parts;
  const live = new LiveCounters(
    kv,
    (error) => log.log("warn", "live counter update failed", { error }),
  );
  const eventWriter = new GroupWriter<NewEvent>({
    commit: (batch) => insertEvents(db, batch),
    afterCommit: (batch) => {
      for (const event of batch) live.add(event.appId, event.event);
    },
    onError: (error, batchSize) => log.log("error", "event batch failed", { error, batchSize }),
    ...config.writer,
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
    },
  });
  return {
    config,
    db,
    databaseKind: parts.databaseKind,
    kv,
    appTokens: new AppTokens(db),
    eventWriter,
    live,
    log,
    monitorLoop,
    now,
  };
}
