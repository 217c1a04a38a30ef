import type { ColumnType } from "kysely";

type Int8 = ColumnType<string | bigint, string | bigint | number, string | bigint | number>;
type Numeric = ColumnType<string, string | bigint | number, string | bigint | number>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Identity = ColumnType<string | bigint, never, never>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type DefaultedInt8 = ColumnType<
  string | bigint,
  string | bigint | number | undefined,
  string | bigint | number
>;

export interface MonitorsTable {
  id: string;
  app_id: string;
  name: string;
  kind: Defaulted<"ping" | "events">;
  interval_s: number | null;
  cron: string | null;
  timezone: Defaulted<string>;
  grace_s: number;
  status: Defaulted<string>;
  last_ping_at: Timestamp | null;
  last_ping_failed: Defaulted<boolean>;
  last_start_at: Timestamp | null;
  hold_until: Timestamp | null;
  next_check_at: Timestamp | null;
  revision: DefaultedInt8;
  n_pings: DefaultedInt8;
  event_name: string | null;
  min_count: Int8 | null;
  min_weight: Numeric | null;
  window_s: number | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface MonitorPingsTable {
  monitor_id: string;
  n: Int8;
  app_id: string;
  kind: string;
  exit_status: number | null;
  at: Timestamp;
  source: string;
  method: string | null;
  remote_addr: string | null;
  user_agent: string | null;
  run_id: string | null;
  body: string | null;
  body_truncated: Defaulted<boolean>;
}

export interface MonitorRunsTable {
  id: Identity;
  app_id: string;
  monitor_id: string;
  client_id: string | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: Int8 | null;
  outcome: string | null;
}

export interface IncidentsTable {
  id: Identity;
  app_id: string;
  monitor_id: string;
  opened_at: Timestamp;
  reason: string;
  closed_at: Timestamp | null;
  close_reason: string | null;
}

export interface MonitorFlipsTable {
  id: Identity;
  app_id: string;
  monitor_id: string;
  from_status: string;
  to_status: string;
  at: Timestamp;
  reason: string;
  incident_id: Int8 | null;
  alert: string | null;
}

export interface AlertChannelsTable {
  id: string;
  app_id: string;
  kind: string;
  config: ColumnType<Record<string, unknown>, string, string>;
  created_at: DefaultedTimestamp;
}

export interface AlertDeliveriesTable {
  id: Identity;
  app_id: string;
  flip_id: Int8;
  channel_id: string;
  monitor_id: string;
  kind: string;
  state: Defaulted<string>;
  attempts: Defaulted<number>;
  next_attempt_at: Timestamp;
  claimed_by: string | null;
  claimed_until: Timestamp | null;
  created_at: DefaultedTimestamp;
  sent_at: Timestamp | null;
}

export interface AlertAttemptsTable {
  id: Identity;
  delivery_id: Int8;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  ok: boolean;
  status_code: number | null;
  error: string | null;
  instance: string;
}

export interface ServiceAliveTable {
  id: number;
  alive_at: Timestamp;
}

/** The tables of migration 0002. */
export interface MonitorTables {
  monitors: MonitorsTable;
  monitor_pings: MonitorPingsTable;
  monitor_runs: MonitorRunsTable;
  incidents: IncidentsTable;
  monitor_flips: MonitorFlipsTable;
  alert_channels: AlertChannelsTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_attempts: AlertAttemptsTable;
  service_alive: ServiceAliveTable;
}
