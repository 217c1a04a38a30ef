import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import {
  type MonitorState,
  monitorState,
  type MonitorStatus,
  type MonitorTimes,
} from "../domain/monitor_status.ts";
import type { Schedule } from "../domain/schedule.ts";
import type { MonitorsTable } from "./monitor_schema.ts";
import type { Schema } from "./schema.ts";

type Db = Kysely<Schema> | Transaction<Schema>;

/** An event-absence rule: at least `minCount` events (or a weight sum) per trailing window. */
export interface EventRule {
  event: string;
  minCount: bigint | null;
  minWeight: bigint | null;
  windowS: number;
}

export interface Monitor {
  id: string;
  appId: string;
  name: string;
  kind: "ping" | "events";
  schedule: Schedule;
  graceS: number;
  status: MonitorStatus;
  lastPingAt: Date | null;
  lastPingFailed: boolean;
  lastStartAt: Date | null;
  holdUntil: Date | null;
  nextCheckAt: Date | null;
  revision: string;
  nPings: bigint;
  eventRule: EventRule | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Pings kept per monitor; older ones are pruned as new ones arrive. */
export const PING_RETENTION = 1000;
/** Runs kept per monitor. */
export const RUN_RETENTION = 1000;
/** Schedule of a monitor created by its first check-in: daily, an hour's grace (Healthchecks). */
export const DEFAULT_INTERVAL_S = 86_400;
export const DEFAULT_GRACE_S = 3_600;

const big = (v: string | bigint | number | null) => (v === null ? null : BigInt(v));

export function toMonitor(row: Selectable<MonitorsTable>): Monitor {
  const schedule: Schedule = row.cron !== null
    ? { kind: "cron", expression: row.cron, timezone: row.timezone }
    : { kind: "interval", seconds: row.interval_s ?? DEFAULT_INTERVAL_S };
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    kind: row.kind,
    schedule,
    graceS: row.grace_s,
    status: row.status as MonitorStatus,
    lastPingAt: row.last_ping_at,
    lastPingFailed: row.last_ping_failed,
    lastStartAt: row.last_start_at,
    holdUntil: row.hold_until,
    nextCheckAt: row.next_check_at,
    revision: String(row.revision),
    nPings: BigInt(row.n_pings),
    eventRule: row.kind === "events" && row.event_name !== null
      ? {
        event: row.event_name,
        minCount: big(row.min_count),
        minWeight: row.min_weight === null ? null : BigInt(String(row.min_weight).split(".")[0]),
        windowS: row.window_s ?? 60,
      }
      : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function monitorTimes(m: Monitor): MonitorTimes {
  return {
    schedule: m.schedule,
    graceMs: m.graceS * 1000,
    paused: m.status === "paused",
    lastPingAt: m.lastPingAt,
    lastPingFailed: m.lastPingFailed,
    lastStartAt: m.lastStartAt,
    holdUntil: m.holdUntil,
  };
}

/**
 * The monitor's status at `now` and when the sweep must look at it next. With `stickyDown`
 * a pinged monitor that is down stays down whatever the clock says (as in Healthchecks, only
 * a ping brings it back); pings evaluate without it.
 */
export function evaluate(
  m: Monitor,
  now: Date,
  stickyDown = false,
): { state: MonitorState; nextCheckAt: Date | null } {
  if (stickyDown && m.kind === "ping" && m.status === "down") {
    return {
      state: { status: "down", dueAt: null, downAt: null, changesAt: null },
      nextCheckAt: null,
    };
  }
  const state = monitorState(monitorTimes(m), now);
  let next = state.changesAt;
  if (m.kind === "events" && state.status !== "paused") {
    // An event monitor is checked every interval: the events themselves are its pings.
    const period = m.schedule.kind === "interval" ? m.schedule.seconds * 1000 : 60_000;
    const recheck = new Date(now.getTime() + period);
    if (!next || recheck < next) next = recheck;
  }
  return { state, nextCheckAt: next };
}

export interface NewMonitor {
  id: string;
  appId: string;
  name: string;
  kind: "ping" | "events";
  schedule: Schedule;
  graceS: number;
  eventRule?: EventRule | null;
}

function scheduleColumns(schedule: Schedule) {
  return schedule.kind === "interval"
    ? { interval_s: schedule.seconds, cron: null, timezone: "UTC" }
    : { interval_s: null, cron: schedule.expression, timezone: schedule.timezone };
}

function ruleColumns(rule: EventRule | null | undefined) {
  return {
    event_name: rule?.event ?? null,
    min_count: rule?.minCount?.toString() ?? null,
    min_weight: rule?.minWeight?.toString() ?? null,
    window_s: rule?.windowS ?? null,
  };
}

/** Creates a monitor; undefined when the app already has one of that name. */
export async function insertMonitor(
  db: Db,
  m: NewMonitor,
  now: Date,
): Promise<Monitor | undefined> {
  const nextCheck = m.kind === "events" ? now : null;
  const row = await db.insertInto("monitors")
    .values({
      id: m.id,
      app_id: m.appId,
      name: m.name,
      kind: m.kind,
      grace_s: m.graceS,
      next_check_at: nextCheck,
      created_at: now,
      updated_at: now,
      ...scheduleColumns(m.schedule),
      ...ruleColumns(m.eventRule),
    })
    .onConflict((oc) => oc.columns(["app_id", "name"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toMonitor(row);
}

export async function findMonitor(db: Db, monitorId: string): Promise<Monitor | undefined> {
  const row = await db.selectFrom("monitors").selectAll().where("id", "=", monitorId)
    .executeTakeFirst();
  return row && toMonitor(row);
}

export async function findMonitorByName(
  db: Db,
  appId: string,
  name: string,
): Promise<Monitor | undefined> {
  const row = await db.selectFrom("monitors").selectAll()
    .where("app_id", "=", appId).where("name", "=", name).executeTakeFirst();
  return row && toMonitor(row);
}

export async function listMonitors(db: Db, appId: string): Promise<Monitor[]> {
  const rows = await db.selectFrom("monitors").selectAll().where("app_id", "=", appId)
    .orderBy("name").execute();
  return rows.map(toMonitor);
}

async function lockMonitor(tx: Db, monitorId: string): Promise<Monitor | undefined> {
  const row = await tx.selectFrom("monitors").selectAll().where("id", "=", monitorId)
    .forUpdate().executeTakeFirst();
  return row && toMonitor(row);
}

export interface FlipInput {
  monitorId: string;
  appId: string;
  from: MonitorStatus;
  to: MonitorStatus;
  reason: string;
}

export interface Flip extends FlipInput {
  id: string;
  alert: "down" | "up" | null;
}

/**
 * Writes status changes that were just applied: one flip row each, an incident opened on
 * down and closed when it ends, and — for down and for down → up — one pending delivery
 * per channel of the app. These rows are the outbox the delivery loop claims, written in
 * the same transaction as the status change itself.
 */
export async function recordFlips(tx: Db, flips: FlipInput[], now: Date): Promise<Flip[]> {
  const changed = flips.filter((f) => f.from !== f.to);
  if (changed.length === 0) return [];
  const col = (pick: (f: FlipInput) => string) => changed.map(pick);
  const { rows } = await sql<{ id: string | bigint; monitor_id: string; alert: string | null }>`
    with input as (
      select * from unnest(
        ${col((f) => f.monitorId)}::text[], ${col((f) => f.appId)}::text[],
        ${col((f) => f.from)}::text[], ${col((f) => f.to)}::text[], ${col((f) => f.reason)}::text[]
      ) as t(monitor_id, app_id, from_status, to_status, reason)
    ),
    ${flipOutbox(now)}
    select id, monitor_id, alert from flips
  `.execute(tx);
  const byMonitor = new Map(rows.map((r) => [r.monitor_id, r]));
  return changed.map((f) => {
    const row = byMonitor.get(f.monitorId)!;
    return { ...f, id: String(row.id), alert: row.alert as Flip["alert"] };
  });
}

/**
 * The common tail of every status change, as CTEs after an `input` CTE of changed monitors
 * (monitor_id, app_id, from_status, to_status, reason): closes the open incident when leaving
 * down, opens one on down, writes the flips and a pending delivery per channel for each alert.
 * Ends with a `flips` CTE (id, app_id, monitor_id, alert). One statement: no window in which
 * a status changed without its outbox rows.
 */
export function flipOutbox(now: Date) {
  const at = now.toISOString();
  // Incident ids are drawn up front and open incidents found by index, so no step joins one
  // CTE's output to another's (the planner cannot estimate those and loops over both).
  return sql`
    staged as materialized (
      select s.monitor_id, s.app_id, s.from_status, s.to_status, s.reason,
        case when s.to_status = 'down'
          then nextval(pg_get_serial_sequence('incidents', 'id')) end as new_incident,
        case when s.from_status = 'down' then (
          select x.id from incidents x where x.monitor_id = s.monitor_id and x.closed_at is null
        ) end as old_incident
      from input s
    ),
    closed as (
      update incidents i set closed_at = ${at}::timestamptz, close_reason = st.reason
      from staged st where i.id = st.old_incident
    ),
    opened as (
      insert into incidents (id, app_id, monitor_id, opened_at, reason) overriding system value
      select new_incident, app_id, monitor_id, ${at}::timestamptz, reason
      from staged where new_incident is not null
    ),
    flips as (
      insert into monitor_flips
        (app_id, monitor_id, from_status, to_status, at, reason, incident_id, alert)
      select app_id, monitor_id, from_status, to_status, ${at}::timestamptz, reason,
        coalesce(new_incident, old_incident),
        case when to_status = 'down' then 'down'
          when from_status = 'down' and to_status = 'up' then 'up' end
      from staged
      returning id, app_id, monitor_id, alert
    ),
    deliveries as (
      insert into alert_deliveries (app_id, flip_id, channel_id, monitor_id, kind, next_attempt_at)
      select f.app_id, f.id, c.id, f.monitor_id, f.alert, ${at}::timestamptz
      from flips f join alert_channels c on c.app_id = f.app_id
      where f.alert is not null
    )`;
}

export type PingKind = "success" | "start" | "fail";

export interface PingInput {
  kind: PingKind;
  exitStatus?: number | null;
  /** When it happened; check-ins may say, HTTP pings are now. */
  at: Date;
  source: "http" | "checkin";
  method?: string | null;
  remoteAddr?: string | null;
  userAgent?: string | null;
  /** A client-chosen run id pairing a start with its finish. */
  runId?: string | null;
  body?: string | null;
  bodyTruncated?: boolean;
}

export interface PingOutcome {
  monitor: Monitor;
  flip: Flip | undefined;
}

function pingReason(ping: PingInput): string {
  if (ping.kind === "fail") {
    return ping.exitStatus ? `exit status ${ping.exitStatus}` : "fail ping";
  }
  return "ping";
}

async function applyPing(tx: Db, m: Monitor, ping: PingInput, now: Date): Promise<PingOutcome> {
  const next: Monitor = { ...m };
  if (ping.kind === "start") {
    next.lastStartAt = ping.at;
  } else {
    next.lastPingAt = m.lastPingAt && m.lastPingAt > ping.at ? m.lastPingAt : ping.at;
    next.lastPingFailed = ping.kind === "fail";
    next.lastStartAt = null;
    next.holdUntil = null;
  }
  const { state, nextCheckAt } = evaluate(next, now);
  const updated = await tx.updateTable("monitors")
    .set({
      status: state.status,
      last_ping_at: next.lastPingAt,
      last_ping_failed: next.lastPingFailed,
      last_start_at: next.lastStartAt,
      hold_until: next.holdUntil,
      next_check_at: nextCheckAt,
      revision: sql`revision + 1`,
      n_pings: sql`n_pings + 1`,
      updated_at: now,
    })
    .where("id", "=", m.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const monitor = toMonitor(updated);
  await tx.insertInto("monitor_pings").values({
    monitor_id: m.id,
    n: monitor.nPings.toString(),
    app_id: m.appId,
    kind: ping.kind,
    exit_status: ping.exitStatus ?? null,
    at: ping.at,
    source: ping.source,
    method: ping.method ?? null,
    remote_addr: ping.remoteAddr ?? null,
    user_agent: ping.userAgent ?? null,
    run_id: ping.runId ?? null,
    body: ping.body ?? null,
    body_truncated: ping.bodyTruncated ?? false,
  }).execute();
  await recordRun(tx, m, ping);
  if (monitor.nPings % 100n === 0n) await pruneLogs(tx, m.id, monitor.nPings);
  const [flip] = await recordFlips(tx, [{
    monitorId: m.id,
    appId: m.appId,
    from: m.status,
    to: state.status,
    reason: pingReason(ping),
  }], now);
  return { monitor, flip };
}

async function recordRun(tx: Db, m: Monitor, ping: PingInput): Promise<void> {
  if (ping.kind === "start") {
    await tx.insertInto("monitor_runs").values({
      app_id: m.appId,
      monitor_id: m.id,
      client_id: ping.runId ?? null,
      started_at: ping.at,
    }).execute();
    return;
  }
  const outcome = ping.kind === "fail" ? "fail" : "success";
  let open = tx.selectFrom("monitor_runs").select(["id", "started_at"])
    .where("monitor_id", "=", m.id).where("finished_at", "is", null);
  open = ping.runId ? open.where("client_id", "=", ping.runId) : open;
  const run = await open.orderBy("id", "desc").limit(1).forUpdate().executeTakeFirst();
  if (run && run.started_at) {
    const duration = Math.max(0, ping.at.getTime() - run.started_at.getTime());
    await tx.updateTable("monitor_runs")
      .set({ finished_at: ping.at, duration_ms: String(duration), outcome })
      .where("id", "=", run.id as string).execute();
    if (!ping.runId) {
      // Without ids only the latest start pairs; older unfinished ones are abandoned.
      await tx.updateTable("monitor_runs").set({ outcome: null })
        .where("monitor_id", "=", m.id).where("finished_at", "is", null)
        .where("client_id", "is", null).where("id", "<", run.id as string).execute();
    }
    return;
  }
  await tx.insertInto("monitor_runs").values({
    app_id: m.appId,
    monitor_id: m.id,
    client_id: ping.runId ?? null,
    finished_at: ping.at,
    outcome,
  }).execute();
}

async function pruneLogs(tx: Db, monitorId: string, n: bigint): Promise<void> {
  await tx.deleteFrom("monitor_pings").where("monitor_id", "=", monitorId)
    .where("n", "<=", (n - BigInt(PING_RETENTION)).toString()).execute();
  await sql`
    delete from monitor_runs where monitor_id = ${monitorId} and id < (
      select id from monitor_runs where monitor_id = ${monitorId}
      order by id desc offset ${RUN_RETENTION - 1} limit 1)`.execute(tx);
}

/** Records a ping of the monitor with this id; undefined when there is none. */
export async function recordPing(
  db: Kysely<Schema>,
  monitorId: string,
  ping: PingInput,
  now: Date,
): Promise<PingOutcome | undefined> {
  return await db.transaction().execute(async (tx) => {
    const m = await lockMonitor(tx, monitorId);
    return m && await applyPing(tx, m, ping, now);
  });
}

/** The row of a monitor that a first check-in creates: daily, an hour's grace. */
function firstCheckInMonitor(appId: string, name: string, now: Date, id: string) {
  return {
    id,
    app_id: appId,
    name,
    interval_s: DEFAULT_INTERVAL_S,
    grace_s: DEFAULT_GRACE_S,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Records a ping of the app's monitor with this name, creating it on first use with a daily
 * schedule and an hour's grace. The AppSignal-style check-ins call this. Given a
 * transaction, the ping is part of it (a request's check-ins are stored together or not at
 * all); given the database, it is a transaction of its own.
 */
export async function recordPingByName(
  db: Db,
  appId: string,
  name: string,
  ping: PingInput,
  now: Date,
  newId: () => string,
): Promise<PingOutcome> {
  const record = async (tx: Db) => {
    await tx.insertInto("monitors").values(firstCheckInMonitor(appId, name, now, newId()))
      .onConflict((oc) => oc.columns(["app_id", "name"]).doNothing()).execute();
    const row = await tx.selectFrom("monitors").selectAll()
      .where("app_id", "=", appId).where("name", "=", name).forUpdate().executeTakeFirstOrThrow();
    return await applyPing(tx, toMonitor(row), ping, now);
  };
  return db.isTransaction ? await record(db) : await db.transaction().execute(record);
}

/**
 * Creates the app's missing monitors of these names (as a first check-in would) and locks
 * them all in name order, inside `tx`. A transaction that records pings of several monitors
 * takes their locks here first: two such transactions then wait for each other in the same
 * order instead of deadlocking.
 */
export async function lockMonitorsByName(
  tx: Transaction<Schema>,
  appId: string,
  names: readonly string[],
  now: Date,
  newId: () => string,
): Promise<void> {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return;
  await tx.insertInto("monitors")
    .values(sorted.map((name) => firstCheckInMonitor(appId, name, now, newId())))
    .onConflict((oc) => oc.columns(["app_id", "name"]).doNothing()).execute();
  await tx.selectFrom("monitors").select("id")
    .where("app_id", "=", appId).where("name", "in", sorted).orderBy("name").forUpdate()
    .execute();
}

/**
 * Re-evaluates a locked monitor after `change` and writes the result; used by edits, pause
 * and resume. `change` returns the monitor as it should be before evaluation.
 */
async function rewrite(
  db: Kysely<Schema>,
  appId: string | undefined,
  monitorId: string,
  now: Date,
  reason: string,
  change: (m: Monitor) => Partial<Monitor> & { extra?: Record<string, unknown> },
): Promise<Monitor | undefined> {
  return await db.transaction().execute(async (tx) => {
    const m = await lockMonitor(tx, monitorId);
    if (!m || (appId !== undefined && m.appId !== appId)) return undefined;
    const { extra, ...fields } = change(m);
    const next: Monitor = { ...m, ...fields };
    const { state, nextCheckAt } = evaluate(next, now, true);
    const row = await tx.updateTable("monitors")
      .set({
        ...(extra ?? {}),
        name: next.name,
        grace_s: next.graceS,
        ...scheduleColumns(next.schedule),
        ...(next.kind === "events" ? ruleColumns(next.eventRule) : {}),
        status: state.status,
        last_ping_at: next.lastPingAt,
        last_ping_failed: next.lastPingFailed,
        last_start_at: next.lastStartAt,
        hold_until: next.holdUntil,
        next_check_at: next.kind === "events" && state.status !== "paused" ? now : nextCheckAt,
        revision: sql`revision + 1`,
        updated_at: now,
      })
      .where("id", "=", m.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordFlips(tx, [{
      monitorId: m.id,
      appId: m.appId,
      from: m.status,
      to: state.status,
      reason,
    }], now);
    return toMonitor(row);
  });
}

/** Pausing ends an open incident quietly; nothing is sent for it. */
export function pauseMonitor(db: Kysely<Schema>, monitorId: string, now: Date) {
  return rewrite(db, undefined, monitorId, now, "paused", () => ({ status: "paused" }));
}

/** Resuming starts afresh as new (as Healthchecks does): the next ping brings it up. */
export function resumeMonitor(db: Kysely<Schema>, monitorId: string, now: Date) {
  return rewrite(db, undefined, monitorId, now, "resumed", (m) =>
    m.status !== "paused" ? {} : {
      status: "new",
      lastPingAt: null,
      lastPingFailed: false,
      lastStartAt: null,
      holdUntil: null,
    });
}

export interface MonitorEdit {
  name?: string;
  schedule?: Schedule;
  graceS?: number;
  eventRule?: EventRule;
}

/** Edits name, schedule, grace or rule; the status is re-evaluated at once. */
export function editMonitor(
  db: Kysely<Schema>,
  monitorId: string,
  edit: MonitorEdit,
  now: Date,
) {
  return rewrite(db, undefined, monitorId, now, "edited", (m) => ({
    name: edit.name ?? m.name,
    schedule: edit.schedule ?? m.schedule,
    graceS: edit.graceS ?? m.graceS,
    eventRule: edit.eventRule ?? m.eventRule,
  }));
}

export async function deleteMonitor(db: Kysely<Schema>, monitorId: string): Promise<boolean> {
  const result = await db.deleteFrom("monitors").where("id", "=", monitorId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
