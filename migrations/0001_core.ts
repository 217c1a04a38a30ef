import { type Kysely, sql } from "kysely";

// Rollups are kept per UTC minute (minute series) and per 15 minutes (every real timezone's
// midnight and hour is a 15-minute edge, so local days and hours are exact sums of them).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table apps (
      id text primary key,
      name text not null,
      timezone text not null,
      token_digest text not null unique,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table events (
      id bigint generated always as identity primary key,
      app_id text not null,
      event text not null,
      weight bigint not null,
      user_id bigint,
      created_at timestamptz not null,
      received_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index events_by_app_time on events (app_id, created_at, id)`.execute(db);
  await sql`create index events_by_app_event_time on events (app_id, event, created_at, id)`
    .execute(db);
  for (const table of ["event_minutes", "event_quarters"]) {
    await sql`
      create table ${sql.table(table)} (
        app_id text not null,
        event text not null,
        bucket timestamptz not null,
        count bigint not null,
        weight numeric not null,
        primary key (app_id, event, bucket)
      )`.execute(db);
  }
  await sql`
    create table event_totals (
      app_id text not null,
      event text not null,
      count bigint not null,
      weight numeric not null,
      first_at timestamptz not null,
      last_at timestamptz not null,
      primary key (app_id, event)
    )`.execute(db);
}
