import { type Kysely, sql } from "kysely";

// A batch of events no longer upserts its minute, quarter and total rollup rows: with many
// event names (one per beacon) that cost three index probes and row updates per event. It
// appends one delta row per (app, event, minute) instead, in the same statement and
// commit as the events, and a background fold moves the deltas into the folded rollups,
// upserting each key once per fold.
//
// Readers keep reading event_minutes, event_quarters and event_totals: views over the
// folded rows plus the deltas not folded yet, so every read sees each committed event
// exactly once. A view may hold several rows for one key: readers sum them.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ["event_minutes", "event_quarters", "event_totals"]) {
    await sql`alter table ${sql.table(table)} rename to ${sql.table(`${table}_folded`)}`
      .execute(db);
  }
  // No index: rows live a few seconds (HARTSLAG_ROLLUP_FOLD_MS); the fold and the readers
  // scan the few there are.
  await sql`
    create table event_rollup_deltas (
      app_id text not null,
      event text not null,
      minute timestamptz not null,
      count bigint not null,
      weight numeric not null,
      first_at timestamptz not null,
      last_at timestamptz not null
    )`.execute(db);
  await sql`
    create view event_minutes as
      select app_id, event, bucket, count, weight from event_minutes_folded
      union all
      select app_id, event, minute, count, weight from event_rollup_deltas`.execute(db);
  await sql`
    create view event_quarters as
      select app_id, event, bucket, count, weight from event_quarters_folded
      union all
      select app_id, event, date_bin('15 minutes', minute, '2000-01-01T00:00:00Z'), count, weight
      from event_rollup_deltas`.execute(db);
  await sql`
    create view event_totals as
      select app_id, event, count, weight, first_at, last_at from event_totals_folded
      union all
      select app_id, event, count, weight, first_at, last_at from event_rollup_deltas`
    .execute(db);
}
