import { type Kysely, sql } from "kysely";

// Beacons: named ingestion tokens of an app (stored as digests, like app tokens), each hit an
// event of the beacon's name. Events gain the beacon's optional numeric value. Idempotency
// keys of POST /api/v1/heartbeat are claimed in the same statement that stores their event.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table beacons (
      id text primary key,
      app_id text not null references apps (id) on delete cascade,
      name text not null,
      token_digest text not null unique,
      limit_count integer,
      limit_window_s integer,
      created_at timestamptz not null default now(),
      unique (app_id, name),
      check ((limit_count is null) = (limit_window_s is null)),
      check (limit_count is null or (limit_count > 0 and limit_window_s > 0))
    )`.execute(db);
  await sql`alter table events add column value double precision`.execute(db);
  await sql`
    create table idempotency_keys (
      app_id text not null,
      key text not null,
      created_at timestamptz not null default now(),
      primary key (app_id, key)
    )`.execute(db);
  await sql`create index idempotency_keys_by_time on idempotency_keys (created_at)`.execute(db);
}
