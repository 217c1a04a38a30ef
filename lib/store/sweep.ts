import { type Kysely, sql } from "kysely";
import type { MonitorStatus } from "../domain/monitor_status.ts";
import { type Flip, flipOutbox, type Monitor, toMonitor } from "./monitors.ts";
import type { Schema } from "./schema.ts";

export interface Outage {
  from: Date;
  to: Date;
  /** Monitors whose deadline fell inside it and got a fresh grace period. */
  held: number;
}

/**
 * Records that the service is alive at `now`. When the last sign of life of any instance is
 * more than `gapMs` old, the service was down in between: every monitor whose next deadline
 * fell inside that gap gets a fresh grace period from now (an event monitor also its window,
 * since its events could not arrive either), instead of an alert storm.
 */
export async function markAlive(
  db: Kysely<Schema>,
  now: Date,
  gapMs: number,
): Promise<Outage | undefined> {
  // One statement (every instance runs it every second): all parts see the liveness row as
  // it was before. Two instances that both notice the same gap grant the same holds.
  const at = now.toISOString();
  const { rows } = await sql<{ last: Date | null; held: string | number }>`
    with old as (select alive_at from service_alive where id = 1),
    alive as (
      insert into service_alive (id, alive_at) values (1, ${at}::timestamptz)
      on conflict (id) do update
        set alive_at = greatest(service_alive.alive_at, excluded.alive_at)
    ),
    held as (
      update monitors set
        hold_until = greatest(hold_until, ${at}::timestamptz + make_interval(
          secs => grace_s + case when kind = 'events' then coalesce(window_s, 0) else 0 end)),
        next_check_at = ${at}::timestamptz,
        revision = revision + 1
      from old
      where ${at}::timestamptz - old.alive_at > ${`${gapMs} milliseconds`}::interval
        and next_check_at > old.alive_at
        and next_check_at <= ${at}::timestamptz
        and status in ('new', 'up', 'late')
      returning 1
    )
    select (select alive_at from old) as last, (select count(*) from held) as held
  `.execute(db);
  const last = rows[0]?.last ? new Date(rows[0].last) : null;
  if (!last || now.getTime() - last.getTime() <= gapMs) return undefined;
  return { from: last, to: now, held: Number(rows[0].held) };
}

/** Monitors whose next check is due, earliest first. */
export async function dueMonitors(
  db: Kysely<Schema>,
  now: Date,
  limit: number,
): Promise<Monitor[]> {
  const rows = await db.selectFrom("monitors").selectAll()
    .where("next_check_at", "<=", now).orderBy("next_check_at").limit(limit).execute();
  return rows.map(toMonitor);
}

export interface Check {
  monitor: Monitor;
  status: MonitorStatus;
  nextCheckAt: Date | null;
  /** An event monitor whose rule held: it counts as pinged now. */
  satisfied: boolean;
  reason: string;
}

/**
 * Writes a batch of sweep results in one transaction. Each is a compare-and-set on the
 * monitor's status and revision, so a ping or another instance that got there first wins
 * and nothing is flipped (or alerted) twice.
 */
export async function applyChecks(
  db: Kysely<Schema>,
  checks: Check[],
  now: Date,
): Promise<Flip[]> {
  if (checks.length === 0) return [];
  const col = <T>(pick: (c: Check) => T) => checks.map(pick);
  const at = now.toISOString();
  // One statement. Rows another instance (or a ping) holds are skipped, not waited for:
  // whoever holds one writes it; locking in id order and never waiting keeps sweeps
  // deadlock-free.
  const { rows } = await sql<{ id: string | bigint; monitor_id: string; alert: string | null }>`
    with locked as materialized (
      select id from monitors where id = any(${col((c) => c.monitor.id)}::text[])
      order by id for update skip locked
    ),
    checks as (
      select * from unnest(
        ${col((c) => c.monitor.id)}::text[], ${col((c) => c.monitor.revision)}::bigint[],
        ${col((c) => c.monitor.status)}::text[], ${col((c) => c.status)}::text[],
        ${col((c) => c.nextCheckAt?.toISOString() ?? null)}::timestamptz[],
        ${col((c) => (c.satisfied ? "t" : "f"))}::text[], ${col((c) => c.reason)}::text[]
      ) as i(id, revision, old_status, status, next_check_at, satisfied, reason)
    ),
    updated as (
      update monitors m set
        status = i.status,
        next_check_at = i.next_check_at,
        last_ping_at = case when i.satisfied = 't' then ${at}::timestamptz else m.last_ping_at end,
        hold_until = case when i.satisfied = 't' then null else m.hold_until end,
        revision = m.revision + 1,
        updated_at = ${at}::timestamptz
      from checks i
      where m.id = i.id and m.revision = i.revision and m.status = i.old_status
        and m.id in (select id from locked)
      returning m.id as monitor_id, m.app_id, i.old_status as from_status,
        i.status as to_status, i.reason
    ),
    input as (select * from updated where from_status <> to_status),
    ${flipOutbox(now)}
    select id, monitor_id, alert from flips
  `.execute(db);
  const byMonitor = new Map(checks.map((c) => [c.monitor.id, c]));
  return rows.map((r) => {
    const c = byMonitor.get(r.monitor_id)!;
    return {
      id: String(r.id),
      monitorId: r.monitor_id,
      appId: c.monitor.appId,
      from: c.monitor.status,
      to: c.status,
      reason: c.reason,
      alert: r.alert as Flip["alert"],
    };
  });
}

/** The earliest pending monitor check or alert delivery, for the in-process timer. */
export async function nearestDeadline(db: Kysely<Schema>): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`
    select least(
      (select min(next_check_at) from monitors where next_check_at is not null),
      (select min(case when state = 'sending' then claimed_until else next_attempt_at end)
        from alert_deliveries where state in ('pending', 'sending'))
    ) as at`.execute(db);
  const at = rows[0]?.at;
  return at ? new Date(at) : null;
}

/** How many monitors are in each stored status. */
export async function countMonitorsByStatus(db: Kysely<Schema>): Promise<Map<string, number>> {
  const rows = await db.selectFrom("monitors").select(["status", db.fn.countAll<string>().as("n")])
    .groupBy("status").execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
