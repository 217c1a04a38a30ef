import { type Kysely, sql } from "kysely";

// Monitors (pinged or watching events), their ping log and runs, status flips and incidents,
// alert channels and the delivery outbox, and the service's own liveness row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table monitors (
      id text primary key,
      app_id text not null references apps (id) on delete cascade,
      name text not null,
      kind text not null default 'ping' check (kind in ('ping', 'events')),
      interval_s integer check (interval_s >= 1),
      cron text,
      timezone text not null default 'UTC',
      grace_s integer not null check (grace_s >= 0),
      status text not null default 'new'
        check (status in ('new', 'up', 'late', 'down', 'paused')),
      last_ping_at timestamptz,
      last_ping_failed boolean not null default false,
      last_start_at timestamptz,
      hold_until timestamptz,
      next_check_at timestamptz,
      revision bigint not null default 0,
      n_pings bigint not null default 0,
      event_name text,
      min_count bigint,
      min_weight numeric,
      window_s integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (app_id, name),
      check ((interval_s is null) <> (cron is null))
    )`.execute(db);
  // The sweep reads this one column.
  await sql`create index monitors_next_check on monitors (next_check_at)
    where next_check_at is not null`.execute(db);
  await sql`
    create table monitor_pings (
      monitor_id text not null references monitors (id) on delete cascade,
      n bigint not null,
      app_id text not null,
      kind text not null check (kind in ('success', 'start', 'fail')),
      exit_status integer,
      at timestamptz not null,
      source text not null,
      method text,
      remote_addr text,
      user_agent text,
      run_id text,
      body text,
      body_truncated boolean not null default false,
      primary key (monitor_id, n)
    )`.execute(db);
  await sql`
    create table monitor_runs (
      id bigint generated always as identity primary key,
      app_id text not null,
      monitor_id text not null references monitors (id) on delete cascade,
      client_id text,
      started_at timestamptz,
      finished_at timestamptz,
      duration_ms bigint,
      outcome text check (outcome in ('success', 'fail'))
    )`.execute(db);
  await sql`create index monitor_runs_by_monitor on monitor_runs (monitor_id, id)`.execute(db);
  await sql`create index monitor_runs_open on monitor_runs (monitor_id, client_id, id)
    where finished_at is null`.execute(db);
  await sql`
    create table incidents (
      id bigint generated always as identity primary key,
      app_id text not null,
      monitor_id text not null references monitors (id) on delete cascade,
      opened_at timestamptz not null,
      reason text not null,
      closed_at timestamptz,
      close_reason text
    )`.execute(db);
  await sql`create index incidents_by_monitor on incidents (monitor_id, id)`.execute(db);
  await sql`create unique index incidents_one_open on incidents (monitor_id)
    where closed_at is null`.execute(db);
  await sql`
    create table monitor_flips (
      id bigint generated always as identity primary key,
      app_id text not null,
      monitor_id text not null references monitors (id) on delete cascade,
      from_status text not null,
      to_status text not null,
      at timestamptz not null,
      reason text not null,
      incident_id bigint references incidents (id) on delete cascade,
      alert text check (alert in ('down', 'up'))
    )`.execute(db);
  await sql`create index monitor_flips_by_monitor on monitor_flips (monitor_id, id)`.execute(db);
  await sql`
    create table alert_channels (
      id text primary key,
      app_id text not null references apps (id) on delete cascade,
      kind text not null,
      config jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index alert_channels_by_app on alert_channels (app_id)`.execute(db);
  await sql`
    create table alert_deliveries (
      id bigint generated always as identity primary key,
      app_id text not null,
      flip_id bigint not null references monitor_flips (id) on delete cascade,
      channel_id text not null references alert_channels (id) on delete cascade,
      monitor_id text not null,
      kind text not null check (kind in ('down', 'up')),
      state text not null default 'pending'
        check (state in ('pending', 'sending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      claimed_by text,
      claimed_until timestamptz,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      unique (flip_id, channel_id)
    )`.execute(db);
  await sql`create index alert_deliveries_due on alert_deliveries (next_attempt_at)
    where state in ('pending', 'sending')`.execute(db);
  await sql`create index alert_deliveries_by_monitor on alert_deliveries (monitor_id, id)`
    .execute(db);
  await sql`
    create table alert_attempts (
      id bigint generated always as identity primary key,
      delivery_id bigint not null references alert_deliveries (id) on delete cascade,
      attempt integer not null,
      started_at timestamptz not null,
      duration_ms integer not null,
      ok boolean not null,
      status_code integer,
      error text,
      instance text not null
    )`.execute(db);
  await sql`create index alert_attempts_by_delivery on alert_attempts (delivery_id, id)`
    .execute(db);
  await sql`
    create table service_alive (
      id integer primary key check (id = 1),
      alive_at timestamptz not null
    )`.execute(db);
}
