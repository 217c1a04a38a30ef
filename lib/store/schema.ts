import type { ColumnType } from "kysely";
import type { MonitorTables } from "./monitor_schema.ts";

/** Bigints and numerics come back as strings (postgres.js) or bigints (PGlite): never lossy. */
type Int8 = ColumnType<string | bigint, string | bigint, string | bigint>;
type Numeric = ColumnType<string, string | bigint, string | bigint>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Identity = ColumnType<string | bigint, never, never>;

export interface AppsTable {
  id: string;
  name: string;
  timezone: string;
  token_digest: string;
  created_at: DefaultedTimestamp;
}

export interface EventsTable {
  id: Identity;
  app_id: string;
  event: string;
  weight: Int8;
  user_id: Int8 | null;
  created_at: Timestamp;
  received_at: DefaultedTimestamp;
  value: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface RollupTable {
  app_id: string;
  event: string;
  bucket: Timestamp;
  count: Int8;
  weight: Numeric;
}

export interface EventTotalsTable {
  app_id: string;
  event: string;
  count: Int8;
  weight: Numeric;
  first_at: Timestamp;
  last_at: Timestamp;
}

export interface RollupDeltasTable {
  app_id: string;
  event: string;
  minute: Timestamp;
  count: Int8;
  weight: Numeric;
  first_at: Timestamp;
  last_at: Timestamp;
}

export interface BeaconsTable {
  id: string;
  app_id: string;
  name: string;
  token_digest: string;
  limit_count: number | null;
  limit_window_s: number | null;
  created_at: DefaultedTimestamp;
}

export interface IdempotencyKeysTable {
  app_id: string;
  key: string;
  created_at: DefaultedTimestamp;
}

export interface OperatorsTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: DefaultedTimestamp;
  password_changed_at: DefaultedTimestamp;
}

export interface OperatorSessionsTable {
  token_digest: string;
  operator_id: string;
  csrf_token: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
}

export interface Schema extends MonitorTables {
  apps: AppsTable;
  events: EventsTable;
  /** Views: the folded rollups plus the deltas not folded yet (several rows a key: sum them). */
  event_minutes: RollupTable;
  event_quarters: RollupTable;
  event_totals: EventTotalsTable;
  event_minutes_folded: RollupTable;
  event_quarters_folded: RollupTable;
  event_totals_folded: EventTotalsTable;
  event_rollup_deltas: RollupDeltasTable;
  beacons: BeaconsTable;
  idempotency_keys: IdempotencyKeysTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
}
