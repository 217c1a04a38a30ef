import { type CompiledQuery, type Kysely, sql } from "kysely";
import type { Database } from "./database.ts";
import type { Schema } from "./schema.ts";

export interface NewEvent {
  appId: string;
  event: string;
  weight: bigint;
  userId: bigint | null;
  createdAt: Date;
  /** A beacon's numeric value. */
  value?: number | null;
  /**
   * The client's Idempotency-Key: the event is stored only if no event of the app claimed
   * this key before (nor an earlier one in the same batch).
   */
  idempotencyKey?: string | null;
}

const EPOCH = "2000-01-01T00:00:00Z";

/**
 * Stores a batch of events and their rollup deltas (one per app, event and minute) in one
 * statement, so one commit covers the rows and every counter they move. Deltas are only
 * appended: batches share no rows to lock, however many event names they carry.
 *
 * Events with an idempotency key first claim it in idempotency_keys, in that same statement:
 * only an event whose key was claimed here (the first of its batch) is stored, so a stored
 * key always has its event and a retried one is dropped. A batch holding the same key as a
 * batch still in flight waits for that one's commit (unique index) before deciding.
 */
export async function insertEvents(database: Database, events: readonly NewEvent[]) {
  const keyed = events.some((e) => e.idempotencyKey != null);
  // Under load most of a batch arrived within the same millisecond, and toISOString costs
  // more than the rest of a row: a time is formatted once for its run of neighbours.
  let lastMs = NaN;
  let lastIso = "";
  const iso = (time: Date) => {
    const ms = time.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = time.toISOString();
    }
    return lastIso;
  };
  // One JSON parameter instead of several arrays: serialising it is a single native call.
  const rows = JSON.stringify(events.map((e) => {
    const row = [
      e.appId,
      e.event,
      e.weight.toString(),
      e.userId?.toString() ?? null,
      iso(e.createdAt),
      e.value ?? null,
    ];
    if (keyed) row.push(e.idempotencyKey ?? null);
    return row;
  }));
  const statement = insertStatements(database)[keyed ? "keyed" : "plain"];
  await database.run({ ...statement, parameters: [rows] });
}

const compiledInserts = new WeakMap<Database, Record<"plain" | "keyed", CompiledQuery>>();

/** The batch statements, compiled once per database: each batch only brings its rows. */
function insertStatements(database: Database): Record<"plain" | "keyed", CompiledQuery> {
  let compiled = compiledInserts.get(database);
  if (!compiled) {
    compiled = {
      plain: insertStatement(false).compile(database.db),
      keyed: insertStatement(true).compile(database.db),
    };
    if (compiled.plain.parameters.length !== 1 || compiled.keyed.parameters.length !== 1) {
      throw new Error("the batch statements must take the rows as their only parameter");
    }
    compiledInserts.set(database, compiled);
  }
  return compiled;
}

function insertStatement(keyed: boolean) {
  // jsonb: each row is parsed once, where json would re-read it for every field.
  const rows = sql`jsonb_array_elements(cast(${"[]"}::text as jsonb))`;
  const columns = sql`r->>0 as app_id, r->>1 as event, (r->>2)::bigint as weight,
        (r->>3)::bigint as user_id, (r->>4)::timestamptz as created_at,
        (r->>5)::double precision as value`;
  const input = keyed
    ? sql`
    input_all as (
      select ${columns}, r->>6 as key, n
      from ${rows} with ordinality as t(r, n)
    ),
    claimed as (
      insert into idempotency_keys (app_id, key)
      select distinct app_id, key from input_all where key is not null order by 1, 2
      on conflict do nothing
      returning app_id, key
    ),
    firsts as (
      select distinct on (app_id, key) n, app_id, key from input_all
      where key is not null order by app_id, key, n
    ),
    input as (
      select i.app_id, i.event, i.weight, i.user_id, i.created_at, i.value from input_all i
      where i.key is null or exists (
        select 1 from firsts f join claimed c on c.app_id = f.app_id and c.key = f.key
        where f.n = i.n
      )
      order by i.n
    )`
    : sql`
    input as (
      select ${columns}
      from ${rows} as r
    )`;
  return sql`
    with ${input},
    stored as (
      insert into events (app_id, event, weight, user_id, created_at, value)
      select app_id, event, weight, user_id, created_at, value from input
    )
    insert into event_rollup_deltas (app_id, event, minute, count, weight, first_at, last_at)
    select app_id, event, date_bin('1 minute', created_at, ${sql.lit(EPOCH)}::timestamptz),
      count(*), sum(weight), min(created_at), max(created_at)
    from input group by 1, 2, 3
  `;
}

/**
 * Moves at most `limit` rollup deltas into the folded minute, quarter and total rollups, in
 * one statement: a reader sees each delta either still pending or folded, never both nor
 * neither. Folds running at once on several instances take disjoint deltas (a delta another
 * fold deleted is skipped) and upsert keys in sorted order. Returns how many deltas moved.
 */
export async function foldRollupDeltas(db: Kysely<Schema>, limit: number): Promise<number> {
  // The deltas are summed per minute once; the quarters and totals are summed from those
  // sums, a fraction of the deltas when many batches touch the same names.
  const { rows } = await sql<{ moved: string }>`
    with moved as (
      delete from event_rollup_deltas
      where ctid = any(array(select ctid from event_rollup_deltas limit ${limit}))
      returning app_id, event, minute, count, weight, first_at, last_at
    ),
    per_minute as (
      select app_id, event, minute, count(*) as deltas, sum(count) as count,
        sum(weight) as weight, min(first_at) as first_at, max(last_at) as last_at
      from moved group by 1, 2, 3
    ),
    minutes as (
      insert into event_minutes_folded as r (app_id, event, bucket, count, weight)
      select app_id, event, minute, count, weight
      from per_minute order by 1, 2, 3
      on conflict (app_id, event, bucket)
      do update set count = r.count + excluded.count, weight = r.weight + excluded.weight
    ),
    quarters as (
      insert into event_quarters_folded as r (app_id, event, bucket, count, weight)
      select app_id, event, date_bin('15 minutes', minute, ${sql.lit(EPOCH)}::timestamptz),
        sum(count), sum(weight)
      from per_minute group by 1, 2, 3 order by 1, 2, 3
      on conflict (app_id, event, bucket)
      do update set count = r.count + excluded.count, weight = r.weight + excluded.weight
    ),
    totals as (
      insert into event_totals_folded as r (app_id, event, count, weight, first_at, last_at)
      select app_id, event, sum(count), sum(weight), min(first_at), max(last_at)
      from per_minute group by 1, 2 order by 1, 2
      on conflict (app_id, event) do update set
        count = r.count + excluded.count,
        weight = r.weight + excluded.weight,
        first_at = least(r.first_at, excluded.first_at),
        last_at = greatest(r.last_at, excluded.last_at)
    )
    select coalesce(sum(deltas), 0)::text as moved from per_minute
  `.execute(db);
  return Number(rows[0].moved);
}

/**
 * Returns the space of folded deltas to the table, so the next deltas reuse it and the
 * scans of readers and folds stay short. Autovacuum alone lets a busy table grow between
 * its rounds (a minute apart by default).
 */
export async function vacuumRollupDeltas(db: Kysely<Schema>): Promise<void> {
  await sql`vacuum event_rollup_deltas`.execute(db);
}

/** Forgets idempotency keys claimed before `before` (they are kept for at least 24 hours). */
export async function pruneIdempotencyKeys(db: Kysely<Schema>, before: Date): Promise<number> {
  const result = await db.deleteFrom("idempotency_keys")
    .where("created_at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface Totals {
  count: string;
  weight: string;
}

export interface EventSummary {
  event: string;
  today: Totals;
  week: Totals;
  month: Totals;
  total: Totals;
}

/**
 * Today, this week (from Monday) and this month in the app's timezone, and all time, for
 * every event of the app — read from rollups only.
 */
export async function summariseEvents(
  db: Kysely<Schema>,
  appId: string,
  timezone: string,
  now: Date,
): Promise<EventSummary[]> {
  const { rows } = await sql<Record<string, string | bigint>>`
    with local_now as (select ${now.toISOString()}::timestamptz at time zone ${timezone} as t),
    bounds as (
      select
        date_trunc('day', t) at time zone ${timezone} as day_from,
        (date_trunc('day', t) + interval '1 day') at time zone ${timezone} as day_to,
        date_trunc('week', t) at time zone ${timezone} as week_from,
        (date_trunc('week', t) + interval '1 week') at time zone ${timezone} as week_to,
        date_trunc('month', t) at time zone ${timezone} as month_from,
        (date_trunc('month', t) + interval '1 month') at time zone ${timezone} as month_to
      from local_now
    ),
    periods as (
      select q.event,
        sum(q.count) filter (where q.bucket >= b.day_from and q.bucket < b.day_to) as day_count,
        sum(q.weight) filter (where q.bucket >= b.day_from and q.bucket < b.day_to) as day_weight,
        sum(q.count) filter (where q.bucket >= b.week_from and q.bucket < b.week_to) as week_count,
        sum(q.weight) filter (where q.bucket >= b.week_from and q.bucket < b.week_to) as week_weight,
        sum(q.count) filter (where q.bucket >= b.month_from and q.bucket < b.month_to)
          as month_count,
        sum(q.weight) filter (where q.bucket >= b.month_from and q.bucket < b.month_to)
          as month_weight
      from bounds b
      join event_quarters q on q.app_id = ${appId}
        and q.bucket >= least(b.week_from, b.month_from)
        and q.bucket < greatest(b.week_to, b.month_to)
      group by q.event
    ),
    totals as (
      select event, sum(count) as count, sum(weight) as weight
      from event_totals where app_id = ${appId}
      group by event
    )
    select t.event, t.count as total_count, t.weight as total_weight,
      coalesce(p.day_count, 0) as day_count, coalesce(p.day_weight, 0) as day_weight,
      coalesce(p.week_count, 0) as week_count, coalesce(p.week_weight, 0) as week_weight,
      coalesce(p.month_count, 0) as month_count, coalesce(p.month_weight, 0) as month_weight
    from totals t left join periods p on p.event = t.event
    order by t.event
  `.execute(db);
  const pair = (row: Record<string, string | bigint>, prefix: string): Totals => ({
    count: String(row[`${prefix}_count`]),
    weight: String(row[`${prefix}_weight`]),
  });
  return rows.map((row) => ({
    event: String(row.event),
    today: pair(row, "day"),
    week: pair(row, "week"),
    month: pair(row, "month"),
    total: pair(row, "total"),
  }));
}

export type Bucket = "minute" | "hour" | "day";

export interface SeriesPoint {
  t: Date;
  count: string;
  weight: string;
}

/**
 * One point per bucket from the bucket holding `from` up to `to` (exclusive), empty buckets
 * included. Hours and days are local to `timezone`; minutes come from minute rollups.
 */
export async function eventSeries(
  db: Kysely<Schema>,
  appId: string,
  event: string,
  timezone: string,
  bucket: Bucket,
  from: Date,
  to: Date,
): Promise<SeriesPoint[]> {
  const query = bucket === "minute"
    ? sql<{ t: Date; count: string; weight: string }>`
      with slots as (
        select generate_series(
          date_bin('1 minute', ${from.toISOString()}::timestamptz, ${EPOCH}::timestamptz),
          ${to.toISOString()}::timestamptz - interval '1 microsecond', interval '1 minute') as t
      ),
      sums as (
        select bucket as t, sum(count) as count, sum(weight) as weight
        from event_minutes
        where app_id = ${appId} and event = ${event}
          and bucket >= date_bin('1 minute', ${from.toISOString()}::timestamptz,
            ${EPOCH}::timestamptz)
          and bucket < ${to.toISOString()}::timestamptz
        group by 1
      )
      select s.t, coalesce(x.count, 0) as count, coalesce(x.weight, 0) as weight
      from slots s left join sums x on x.t = s.t
      order by s.t`
    : sql<{ t: Date; count: string; weight: string }>`
      with slots as (
        select generate_series(
          date_trunc(${bucket}, ${from.toISOString()}::timestamptz at time zone ${timezone}),
          ${to.toISOString()}::timestamptz at time zone ${timezone} - interval '1 microsecond',
          ${`1 ${bucket}`}::interval) as local_t
      ),
      sums as (
        select date_trunc(${bucket}, q.bucket at time zone ${timezone}) as local_t,
          sum(q.count) as count, sum(q.weight) as weight
        from event_quarters q
        where q.app_id = ${appId} and q.event = ${event}
          and q.bucket >= (select min(local_t) from slots) at time zone ${timezone}
          and q.bucket < ${to.toISOString()}::timestamptz
        group by 1
      )
      select s.local_t at time zone ${timezone} as t,
        coalesce(x.count, 0) as count, coalesce(x.weight, 0) as weight
      from slots s left join sums x on x.local_t = s.local_t
      order by s.local_t`;
  const { rows } = await query.execute(db);
  return rows.map((row) => ({
    t: new Date(row.t),
    count: String(row.count),
    weight: String(row.weight),
  }));
}

export interface ExportFilter {
  from?: Date;
  to?: Date;
  event?: string;
}

export interface ExportRow {
  id: string;
  event: string;
  weight: string;
  user_id: string | null;
  created_at: Date;
}

export interface ExportCursor {
  createdAt: Date;
  id: string;
}

/** One page of raw events in (created_at, id) order, after `cursor`. */
export async function exportPage(
  db: Kysely<Schema>,
  appId: string,
  filter: ExportFilter,
  cursor: ExportCursor | undefined,
  limit: number,
): Promise<ExportRow[]> {
  let query = db.selectFrom("events")
    .select(["id", "event", "weight", "user_id", "created_at"])
    .where("app_id", "=", appId);
  if (filter.event !== undefined) query = query.where("event", "=", filter.event);
  if (filter.from) query = query.where("created_at", ">=", filter.from);
  if (filter.to) query = query.where("created_at", "<", filter.to);
  if (cursor) {
    query = query.where(
      sql<
        boolean
      >`(created_at, id) > (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::bigint)`,
    );
  }
  const rows = await query.orderBy("created_at").orderBy("id").limit(limit).execute();
  return rows.map((row) => ({
    id: String(row.id),
    event: row.event,
    weight: String(row.weight),
    user_id: row.user_id === null ? null : String(row.user_id),
    created_at: new Date(row.created_at),
  }));
}

export interface UserActivity {
  userId: string;
  count: string;
  weight: string;
}

/**
 * The users with the most events of one name in [from, to): raw rows, found through the
 * (app_id, created_at, id, event) index, so the cost follows the range asked for and only
 * that event's rows are read from the table.
 */
export async function topUsers(
  db: Kysely<Schema>,
  appId: string,
  event: string,
  from: Date,
  to: Date,
  limit: number,
): Promise<UserActivity[]> {
  const rows = await db.selectFrom("events")
    .select([
      "user_id",
      sql<string>`count(*)`.as("count"),
      sql<string>`sum(weight)`.as("weight"),
    ])
    .where("app_id", "=", appId)
    .where("event", "=", event)
    .where("created_at", ">=", from)
    .where("created_at", "<", to)
    .where("user_id", "is not", null)
    .groupBy("user_id")
    .orderBy(sql`count(*)`, "desc")
    .orderBy("user_id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    userId: String(row.user_id),
    count: String(row.count),
    weight: String(row.weight),
  }));
}

/**
 * Deletes at most `limit` raw events created before `cutoff`, oldest first, walking each
 * app's (app_id, created_at) index. Rollups are left alone, so totals and series stay
 * right after the raw rows are gone. Returns how many rows were deleted.
 */
export async function pruneEvents(
  db: Kysely<Schema>,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from events where id in (
      select e.id from apps a
      cross join lateral (
        select id from events
        where app_id = a.id and created_at < ${cutoff.toISOString()}::timestamptz
        order by created_at, id
        limit ${limit}
      ) e
      limit ${limit}
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
