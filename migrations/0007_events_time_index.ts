import { type Kysely, sql } from "kysely";

// Events had two indexes besides the primary key: (app_id, created_at, id) and (app_id,
// event, created_at, id). With many event names (one per beacon) the second took each new
// row to a different leaf page, which made it the costliest part of storing an event. One
// index now serves both ways of reading: by time, and by event within a time range, where
// `event = $1` is checked on the index entries themselves (no table row is read for other
// events).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index events_by_app_time_event on events (app_id, created_at, id, event)`
    .execute(db);
  await sql`drop index events_by_app_time`.execute(db);
  await sql`drop index events_by_app_event_time`.execute(db);
}
