import type { Kysely } from "kysely";
import { eventRuleHolds } from "../store/event_monitors.ts";
import { evaluate, type Flip, type Monitor } from "../store/monitors.ts";
import type { Schema } from "../store/schema.ts";
import { applyChecks, type Check, dueMonitors, markAlive, type Outage } from "../store/sweep.ts";

export interface SweepOptions {
  /** A silence of the service longer than this counts as its own downtime. */
  downtimeGapMs: number;
  /** Monitors read and written per transaction. */
  batchSize?: number;
}

export interface SweepResult {
  examined: number;
  flips: Flip[];
  outage: Outage | undefined;
}

function downReason(m: Monitor, now: Date): string {
  if (m.kind === "events") return "too few events";
  if (m.lastStartAt && now.getTime() >= m.lastStartAt.getTime() + m.graceS * 1000) {
    return "run took longer than the grace period";
  }
  return "no ping within the expected time and grace period";
}

async function check(db: Kysely<Schema>, m: Monitor, now: Date): Promise<Check> {
  let satisfied = false;
  let current = m;
  if (m.kind === "events" && m.eventRule && m.status !== "paused") {
    satisfied = await eventRuleHolds(db, m.appId, m.eventRule, now);
    if (satisfied) current = { ...m, lastPingAt: now, holdUntil: null };
  }
  const { state, nextCheckAt } = evaluate(current, now, true);
  const reason = state.status === "down"
    ? downReason(m, now)
    : state.status === "late"
    ? (m.kind === "events" ? "too few events" : "no ping within the expected time")
    : m.kind === "events"
    ? "enough events"
    : "re-evaluated";
  return { monitor: m, status: state.status, nextCheckAt, satisfied, reason };
}

/**
 * One sweep: notes that the service is alive (granting fresh grace periods after its own
 * downtime), then re-evaluates every monitor whose next check is due and writes the
 * transitions with compare-and-set. Safe to run on several instances at once.
 */
export async function sweepMonitors(
  db: Kysely<Schema>,
  now: Date,
  options: SweepOptions,
): Promise<SweepResult> {
  const batchSize = options.batchSize ?? 1000;
  const outage = await markAlive(db, now, options.downtimeGapMs);
  const flips: Flip[] = [];
  let examined = 0;
  for (let round = 0; round < 1000; round++) {
    const due = await dueMonitors(db, now, batchSize);
    examined += due.length;
    const checks: Check[] = [];
    for (const m of due) checks.push(await check(db, m, now));
    flips.push(...await applyChecks(db, checks, now));
    if (due.length < batchSize) break;
  }
  return { examined, flips, outage };
}
