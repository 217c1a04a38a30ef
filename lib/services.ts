import type { Kysely } from "kysely";
import type { Config } from "./config.ts";
import { LiveCounters } from "./kv/live_counters.ts";
import { RateLimiter } from "./kv/rate_limiter.ts";
import type { Logger } from "./log.ts";
import { AppTokens } from "./store/app_tokens.ts";
import { BeaconTokens } from "./store/beacon_tokens.ts";
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
  /** Beacon token → beacon and its rate policy, cached. */
  readonly beaconTokens: BeaconTokens;
  /** Sliding windows per beacon and per app token; close() writes them to KV. */
  readonly rateLimiter: RateLimiter;
  readonly log: Logger;
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
  const rateLimiter = new RateLimiter(kv, {
    onError: (what, error, suppressed) =>
      log.log("error", "rate limit windows unavailable in KV; deciding in memory", {
        what,
        error,
        suppressed,
      }),
  });
  return {
    config,
    db,
    databaseKind: parts.databaseKind,
    kv,
    appTokens: new AppTokens(db),
    eventWriter,
    live,
    beaconTokens: new BeaconTokens(db, config.rateLimits.beacon),
    rateLimiter,
    log,
    now: parts.now ?? (() => new Date()),
  };
}
