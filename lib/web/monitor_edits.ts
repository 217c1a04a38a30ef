import type { z } from "zod";
import type { monitorEditBody, newMonitorBody } from "../domain/monitor_input.ts";
import type { Schedule } from "../domain/schedule.ts";
import { newId } from "../domain/ids.ts";
import type { EventRule, Monitor, MonitorEdit, NewMonitor } from "../store/monitors.ts";

/** The monitor a creation body asks for, in the app (a new id; cron in the app's timezone). */
export function newMonitorOf(
  body: z.output<typeof newMonitorBody>,
  app: { id: string; timezone: string },
): NewMonitor {
  return {
    id: newId("mon"),
    appId: app.id,
    name: body.name,
    kind: body.kind,
    schedule: scheduleOf(body, app.timezone),
    graceS: body.grace_s,
    eventRule: ruleOf(body),
  };
}

/** The schedule a new monitor's body asks for; cron times default to the app's timezone. */
function scheduleOf(
  body: z.output<typeof newMonitorBody>,
  appTimezone: string,
): Schedule {
  if (body.cron !== undefined) {
    return { kind: "cron", expression: body.cron, timezone: body.timezone ?? appTimezone };
  }
  return { kind: "interval", seconds: body.interval_s ?? 60 };
}

function ruleOf(body: z.output<typeof newMonitorBody>): EventRule | null {
  if (body.kind !== "events" || body.event === undefined || body.window_s === undefined) {
    return null;
  }
  return {
    event: body.event,
    minCount: body.min_count ?? null,
    minWeight: body.min_weight ?? null,
    windowS: body.window_s,
  };
}

/** What a PATCH body changes on `m`. */
export function editOf(m: Monitor, body: z.output<typeof monitorEditBody>): MonitorEdit {
  const edit: MonitorEdit = { name: body.name, graceS: body.grace_s };
  if (body.interval_s !== undefined) edit.schedule = { kind: "interval", seconds: body.interval_s };
  else if (body.cron !== undefined) {
    edit.schedule = {
      kind: "cron",
      expression: body.cron,
      timezone: body.timezone ??
        (m.schedule.kind === "cron" ? m.schedule.timezone : "UTC"),
    };
  } else if (body.timezone !== undefined && m.schedule.kind === "cron") {
    edit.schedule = { ...m.schedule, timezone: body.timezone };
  }
  if (m.eventRule) {
    const countGiven = body.min_count !== undefined, weightGiven = body.min_weight !== undefined;
    edit.eventRule = {
      event: body.event ?? m.eventRule.event,
      minCount: countGiven ? body.min_count! : weightGiven ? null : m.eventRule.minCount,
      minWeight: weightGiven ? body.min_weight! : countGiven ? null : m.eventRule.minWeight,
      windowS: body.window_s ?? m.eventRule.windowS,
    };
  }
  return edit;
}
