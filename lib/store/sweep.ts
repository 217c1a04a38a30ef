import { type Kysely, sql } from "kysely";
import type { MonitorStatus } from "../domain/monitor_status.ts";
import { type Flip, type Monitor, recordFlips, toMonitor } from "./monitors.ts";
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
  return await db.transaction().execute(async (tx) => {
    await tx.insertInto("service_alive").values({ id: 1, alive_at: now })
      .onConflict((oc) => oc.column("id").doNothing()).execute();
    const { alive_at: last } = await tx.selectFrom("service_alive").select("alive_at")
      .where("id", "=", 1).forUpdate().executeTakeFirstOrThrow();
    await tx.updateTable("service_alive")
      .set({ alive_at: sql`greatest(alive_at, ${now.toISOString()}::timestamptz)` })
      .where("id", "=", 1).execute();
    if (now.getTime() - last.getTime() <= gapMs) return undefined;
    const at = now.toISOString();
    const result = await sql`
      update monitors set
        hold_until = greatest(hold_until, ${at}::timestamptz + make_interval(
          secs => grace_s + case when kind = 'events' then coalesce(window_s, 0) else 0 end)),
        next_check_at = ${at}::timestamptz,
        revision = revision + 1
      where next_check_at > ${last.toISOString()}::timestamptz
        and next_check_at <= ${at}::timestamptz
        and status in ('new', 'up', 'late')
    `.execute(tx);
    return { from: last, to: now, held: Number(result.numAffectedRows ?? 0n) };
  });
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
  all: Check[],
  now: Date,
): Promise<Flip[]> {
  if (all.length === 0) return [];
  let checks = all;
  const col = <T>(pick: (c: Check) => T) => checks.map(pick);
  const at = now.toISOString();
  return await db.transaction().execute(async (tx) => {
    // Rows another instance (or a ping) holds are skipped, not waited for: whoever holds
    // one writes it. Locking in id order and never waiting keeps sweeps deadlock-free.
    const locked = await sql<{ id: string }>`
      select id from monitors where id = any(${col((c) => c.monitor.id)}::text[])
      order by id for update skip locked`.execute(tx);
    const mine = new Set(locked.rows.map((r) => r.id));
    checks = checks.filter((c) => mine.has(c.monitor.id));
    if (checks.length === 0) return [];
    const { rows } = await sql<{ id: string }>`
      update monitors m set
        status = i.status,
        next_check_at = i.next_check_at,
        last_ping_at = case when i.satisfied = 't' then ${at}::timestamptz else m.last_ping_at end,
        hold_until = case when i.satisfied = 't' then null else m.hold_until end,
        revision = m.revision + 1,
        updated_at = ${at}::timestamptz
      from unnest(
        ${col((c) => c.monitor.id)}::text[], ${col((c) => c.monitor.revision)}::bigint[],
        ${col((c) => c.monitor.status)}::text[], ${col((c) => c.status)}::text[],
        ${col((c) => c.nextCheckAt?.toISOString() ?? null)}::timestamptz[],
        ${col((c) => (c.satisfied ? "t" : "f"))}::text[]
      ) as i(id, revision, old_status, status, next_check_at, satisfied)
      where m.id = i.id and m.revision = i.revision and m.status = i.old_status
      returning m.id
    `.execute(tx);
    const won = new Set(rows.map((r) => r.id));
    return await recordFlips(
      tx,
      checks.filter((c) => won.has(c.monitor.id)).map((c) => ({
        monitorId: c.monitor.id,
        appId: c.monitor.appId,
        from: c.monitor.status,
        to: c.status,
        reason: c.reason,
      })),
      now,
    );
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
