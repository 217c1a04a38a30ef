import { type Kysely, sql } from "kysely";
import type { EventRule } from "./monitors.ts";
import type { Schema } from "./schema.ts";

export interface WindowTotals {
  count: bigint;
  weight: bigint;
}

/**
 * Count and weight of an event in [from, to): whole minutes from the minute rollups, the
 * partial minutes at either edge from the raw rows (indexed by app and time, with the event).
 */
export async function eventWindowTotals(
  db: Kysely<Schema>,
  appId: string,
  event: string,
  from: Date,
  to: Date,
): Promise<WindowTotals> {
  const minute = 60_000;
  const firstWhole = new Date(Math.ceil(from.getTime() / minute) * minute);
  const lastWhole = new Date(Math.floor(to.getTime() / minute) * minute);
  const parts = [];
  if (firstWhole < lastWhole) {
    parts.push(sql<{ count: string; weight: string }>`
      select coalesce(sum(count), 0)::text as count, coalesce(sum(weight), 0)::text as weight
      from event_minutes where app_id = ${appId} and event = ${event}
        and bucket >= ${firstWhole.toISOString()}::timestamptz
        and bucket < ${lastWhole.toISOString()}::timestamptz`);
  }
  const edges: [Date, Date][] = firstWhole < lastWhole
    ? [[from, firstWhole], [lastWhole, to]]
    : [[from, to]];
  for (const [a, b] of edges) {
    if (a >= b) continue;
    parts.push(sql<{ count: string; weight: string }>`
      select count(*)::text as count, coalesce(sum(weight), 0)::text as weight
      from events where app_id = ${appId} and event = ${event}
        and created_at >= ${a.toISOString()}::timestamptz
        and created_at < ${b.toISOString()}::timestamptz`);
  }
  let count = 0n, weight = 0n;
  for (const part of parts) {
    const { rows } = await part.execute(db);
    count += BigInt(rows[0].count);
    weight += BigInt(rows[0].weight.split(".")[0]);
  }
  return { count, weight };
}

/** Whether the rule holds for the window ending at `now`. */
export async function eventRuleHolds(
  db: Kysely<Schema>,
  appId: string,
  rule: EventRule,
  now: Date,
): Promise<boolean> {
  const from = new Date(now.getTime() - rule.windowS * 1000);
  const totals = await eventWindowTotals(db, appId, rule.event, from, new Date(now.getTime() + 1));
  if (rule.minCount !== null && totals.count < rule.minCount) return false;
  if (rule.minWeight !== null && totals.weight < rule.minWeight) return false;
  return true;
}
