import type { ZodError } from "zod";
import type { MonitorStatus } from "../domain/monitor_status.ts";
import { evaluate, type Monitor } from "../store/monitors.ts";

/** One monitor as the dashboard's board shows it; JSON-safe (an island's props). */
export interface BoardRow {
  id: string;
  name: string;
  kind: "ping" | "events";
  status: MonitorStatus;
  schedule: string;
  graceS: number;
  lastPingAt: string | null;
  lastPingFailed: boolean;
  /** When the next ping is expected; null when nothing is expected. */
  dueAt: string | null;
}

/** Open incidents first, then late ones, then the rest; by name within each. */
const ORDER: Record<MonitorStatus, number> = { down: 0, late: 1, new: 2, up: 3, paused: 4 };

/** A schedule in a few words: "every 5 min" or "cron 0 3 * * * (Europe/Amsterdam)". */
export function describeSchedule(m: Monitor): string {
  if (m.schedule.kind === "cron") {
    return `cron ${m.schedule.expression} (${m.schedule.timezone})`;
  }
  return `every ${describeSeconds(m.schedule.seconds)}`;
}

export function describeSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, "day");
  if (seconds % 3600 === 0) return plural(seconds / 3600, "hour");
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** The monitor's row at `now`: its status evaluated as the management API evaluates it. */
export function boardRow(m: Monitor, now: Date): BoardRow {
  const { state } = evaluate(m, now, true);
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    status: state.status,
    schedule: describeSchedule(m),
    graceS: m.graceS,
    lastPingAt: m.lastPingAt?.toISOString() ?? null,
    lastPingFailed: m.lastPingFailed,
    dueAt: state.dueAt?.toISOString() ?? null,
  };
}

export function sortBoard<T extends { status: MonitorStatus; name: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) =>
    ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name)
  );
}

/** The fields of a monitor form: name, schedule (interval or cron and timezone), grace. */
export interface MonitorForm {
  name: string;
  scheduleKind: "interval" | "cron";
  interval: string;
  cron: string;
  timezone: string;
  grace: string;
}

export function emptyMonitorForm(timezone: string): MonitorForm {
  return {
    name: "",
    scheduleKind: "interval",
    interval: "3600",
    cron: "",
    timezone,
    grace: "300",
  };
}

export function monitorFormOf(m: Monitor): MonitorForm {
  return {
    name: m.name,
    scheduleKind: m.schedule.kind,
    interval: m.schedule.kind === "interval" ? String(m.schedule.seconds) : "3600",
    cron: m.schedule.kind === "cron" ? m.schedule.expression : "",
    timezone: m.schedule.kind === "cron" ? m.schedule.timezone : "UTC",
    grace: String(m.graceS),
  };
}

export function readMonitorForm(form: URLSearchParams, fallbackTimezone: string): MonitorForm {
  return {
    name: form.get("name") ?? "",
    scheduleKind: form.get("schedule") === "cron" ? "cron" : "interval",
    interval: (form.get("interval_s") ?? "").trim(),
    cron: (form.get("cron") ?? "").trim(),
    timezone: (form.get("timezone") ?? "").trim() || fallbackTimezone,
    grace: (form.get("grace_s") ?? "").trim(),
  };
}

const number = (text: string): number | string => /^\d+$/.test(text) ? Number(text) : text;

/** The form as a body for newMonitorBody / monitorEditBody (the API's own validation). */
export function monitorBodyOf(form: MonitorForm): Record<string, unknown> {
  return {
    name: form.name,
    kind: "ping",
    grace_s: number(form.grace),
    ...(form.scheduleKind === "cron"
      ? { cron: form.cron, timezone: form.timezone }
      : { interval_s: number(form.interval) }),
  };
}

export type MonitorFormErrors = Partial<
  Record<"name" | "interval" | "cron" | "timezone" | "grace" | "form", string>
>;

const FIELD_MESSAGES = {
  name: "Give the monitor a name of 1 to 255 characters.",
  interval: "The interval is a whole number of seconds, from 1 up to a year.",
  timezone: "Pick a timezone from the list, such as Europe/Amsterdam.",
  grace: "The grace period is a whole number of seconds, from 0 up to 30 days.",
} as const;

/** Readable messages, per field, for what the monitor body's schema refused. */
export function monitorFormErrors(error: ZodError): MonitorFormErrors {
  const errors: MonitorFormErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (field === "name") errors.name = FIELD_MESSAGES.name;
    else if (field === "interval_s") errors.interval = FIELD_MESSAGES.interval;
    else if (field === "timezone") errors.timezone = FIELD_MESSAGES.timezone;
    else if (field === "grace_s") errors.grace = FIELD_MESSAGES.grace;
    else if (field === "cron") errors.cron = `The cron expression: ${issue.message}.`;
    else errors.form = issue.message.charAt(0).toUpperCase() + issue.message.slice(1) + ".";
  }
  return errors;
}
