import { type Kysely, sql } from "kysely";
import type { Schema } from "./schema.ts";

/** A claimed delivery with everything needed to send it. */
export interface ClaimedDelivery {
  id: string;
  kind: "down" | "up";
  attempt: number;
  channelKind: string;
  channelConfig: Record<string, unknown>;
  appId: string;
  appName: string;
  monitorId: string;
  monitorName: string;
  monitorStatus: string;
  at: Date;
  reason: string;
  incident: { id: string; openedAt: Date; closedAt: Date | null; reason: string } | null;
}

/**
 * Claims up to `limit` deliveries that are due — pending ones whose time has come, and ones
 * whose sender's lease ran out — with a compare-and-set under SKIP LOCKED, so each attempt
 * belongs to exactly one instance. A monitor's alerts to a channel go out in order: one
 * waits while an earlier one is still pending or being sent.
 */
export async function claimDeliveries(
  db: Kysely<Schema>,
  instance: string,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const at = now.toISOString();
  const { rows } = await sql<Record<string, unknown>>`
    with claimed as (
      update alert_deliveries d set
        state = 'sending', attempts = d.attempts + 1, claimed_by = ${instance},
        claimed_until = ${at}::timestamptz + ${`${leaseMs} milliseconds`}::interval
      where d.id in (
        select id from alert_deliveries x
        where ((x.state = 'pending' and x.next_attempt_at <= ${at}::timestamptz)
           or (x.state = 'sending' and x.claimed_until <= ${at}::timestamptz))
          -- In order per monitor and channel: a recovery never overtakes its down alert.
          and not exists (
            select 1 from alert_deliveries e
            where e.monitor_id = x.monitor_id and e.channel_id = x.channel_id and e.id < x.id
              and e.state in ('pending', 'sending'))
        order by x.id limit ${limit}
        for update skip locked)
      returning d.*
    )
    select c.id, c.kind, c.attempts, ch.kind as channel_kind, ch.config as channel_config,
      a.id as app_id, a.name as app_name, m.id as monitor_id, m.name as monitor_name,
      m.status as monitor_status, f.at, f.reason, i.id as incident_id,
      i.opened_at as incident_opened_at, i.closed_at as incident_closed_at,
      i.reason as incident_reason
    from claimed c
      join alert_channels ch on ch.id = c.channel_id
      join monitor_flips f on f.id = c.flip_id
      join monitors m on m.id = c.monitor_id
      join apps a on a.id = c.app_id
      left join incidents i on i.id = f.incident_id
    order by c.id
  `.execute(db);
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind as "down" | "up",
    attempt: Number(r.attempts),
    channelKind: String(r.channel_kind),
    channelConfig: typeof r.channel_config === "string"
      ? JSON.parse(r.channel_config)
      : r.channel_config as Record<string, unknown>,
    appId: String(r.app_id),
    appName: String(r.app_name),
    monitorId: String(r.monitor_id),
    monitorName: String(r.monitor_name),
    monitorStatus: String(r.monitor_status),
    at: new Date(r.at as Date),
    reason: String(r.reason),
    incident: r.incident_id === null ? null : {
      id: String(r.incident_id),
      openedAt: new Date(r.incident_opened_at as Date),
      closedAt: r.incident_closed_at ? new Date(r.incident_closed_at as Date) : null,
      reason: String(r.incident_reason),
    },
  }));
}

export interface AttemptResult {
  startedAt: Date;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * Records one attempt and settles the delivery: sent, failed for good after `maxAttempts`,
 * or pending again at `retryAt`. Only the claim's holder may settle it.
 */
export async function settleDelivery(
  db: Kysely<Schema>,
  delivery: { id: string; attempt: number },
  instance: string,
  result: AttemptResult,
  retryAt: Date | null,
  now: Date,
): Promise<void> {
  // One statement: the attempt and the delivery's new state land together.
  const at = now.toISOString();
  const state = result.ok ? "sent" : retryAt ? "pending" : "failed";
  await sql`
    with attempt as (
      insert into alert_attempts
        (delivery_id, attempt, started_at, duration_ms, ok, status_code, error, instance)
      values (${delivery.id}::bigint, ${delivery.attempt}, ${result.startedAt.toISOString()}::timestamptz,
        ${Math.round(result.durationMs)}, ${result.ok}, ${result.statusCode},
        ${result.error?.slice(0, 1000) ?? null}, ${instance})
    )
    update alert_deliveries set
      state = ${state},
      sent_at = ${result.ok ? at : null}::timestamptz,
      next_attempt_at = ${(retryAt ?? now).toISOString()}::timestamptz,
      claimed_by = null,
      claimed_until = null
    where id = ${delivery.id}::bigint and claimed_by = ${instance}
      and attempts = ${delivery.attempt}
  `.execute(db);
}

export interface DeliveryView {
  id: string;
  kind: string;
  state: string;
  channelId: string;
  monitorId: string;
  incidentId: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  sentAt: Date | null;
  log: {
    attempt: number;
    startedAt: Date;
    durationMs: number;
    ok: boolean;
    statusCode: number | null;
    error: string | null;
  }[];
}

/** A monitor's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  db: Kysely<Schema>,
  appId: string,
  monitorId: string,
  limit: number,
): Promise<DeliveryView[]> {
  const rows = await db.selectFrom("alert_deliveries as d")
    .innerJoin("monitor_flips as f", "f.id", "d.flip_id")
    .select([
      "d.id",
      "d.kind",
      "d.state",
      "d.channel_id",
      "d.monitor_id",
      "f.incident_id",
      "d.attempts",
      "d.next_attempt_at",
      "d.created_at",
      "d.sent_at",
    ])
    .where("d.app_id", "=", appId).where("d.monitor_id", "=", monitorId)
    .orderBy("d.id", "desc").limit(limit).execute();
  if (rows.length === 0) return [];
  const attempts = await db.selectFrom("alert_attempts")
    .select(["delivery_id", "attempt", "started_at", "duration_ms", "ok", "status_code", "error"])
    .where("delivery_id", "in", rows.map((r) => String(r.id)))
    .orderBy("id").execute();
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind,
    state: r.state,
    channelId: r.channel_id,
    monitorId: r.monitor_id,
    incidentId: r.incident_id === null ? null : String(r.incident_id),
    attempts: r.attempts,
    nextAttemptAt: r.state === "pending" ? r.next_attempt_at : null,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    log: attempts.filter((a) => String(a.delivery_id) === String(r.id)).map((a) => ({
      attempt: a.attempt,
      startedAt: a.started_at,
      durationMs: a.duration_ms,
      ok: a.ok,
      statusCode: a.status_code,
      error: a.error,
    })),
  }));
}
