import { nextExpected, type Schedule } from "./schedule.ts";

export const MONITOR_STATUSES = ["new", "up", "late", "down", "paused"] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

/** The timestamps a monitor's status is a function of. */
export interface MonitorTimes {
  readonly schedule: Schedule;
  readonly graceMs: number;
  readonly paused: boolean;
  /** The last success or failure (start pings do not count). */
  readonly lastPingAt: Date | null;
  /** Whether that last ping was a failure (`/fail` or a non-zero exit status). */
  readonly lastPingFailed: boolean;
  /** A start that no success or failure has closed yet. */
  readonly lastStartAt: Date | null;
  /**
   * No down before this instant: set when a deadline fell while the service itself was
   * down, so the monitor gets a fresh grace period instead of an alert.
   */
  readonly holdUntil: Date | null;
}

export interface MonitorState {
  readonly status: MonitorStatus;
  /** When the next ping is expected (late after this); null when nothing is expected. */
  readonly dueAt: Date | null;
  /** When it goes down without a ping; null when it is down, paused, or cannot go down. */
  readonly downAt: Date | null;
  /** The next instant at which `status` changes by itself; null when it never does. */
  readonly changesAt: Date | null;
}

const max = (a: Date, b: Date | null) => (b && b > a ? b : a);
const min = (a: Date, b: Date | null) => (b && b < a ? b : a);

/**
 * A monitor's status at `now`, as Healthchecks computes it: new until the first ping; up
 * until the expected time; late until the grace period after it ends; then down. A failure
 * is down at once. A started run must finish within the grace period. Paused is paused.
 */
export function monitorState(m: MonitorTimes, now: Date): MonitorState {
  if (m.paused) return { status: "paused", dueAt: null, downAt: null, changesAt: null };
  const runDeadline = m.lastStartAt ? new Date(m.lastStartAt.getTime() + m.graceMs) : null;
  if (m.lastPingFailed) return { status: "down", dueAt: null, downAt: null, changesAt: null };
  if (!m.lastPingAt) {
    if (!runDeadline) return { status: "new", dueAt: null, downAt: null, changesAt: null };
    const downAt = max(runDeadline, m.holdUntil);
    return now >= downAt
      ? { status: "down", dueAt: null, downAt: null, changesAt: null }
      : { status: "new", dueAt: null, downAt, changesAt: downAt };
  }
  const dueAt = nextExpected(m.schedule, m.lastPingAt);
  const downAt = max(min(new Date(dueAt.getTime() + m.graceMs), runDeadline), m.holdUntil);
  if (now >= downAt) return { status: "down", dueAt, downAt: null, changesAt: null };
  if (now >= dueAt) return { status: "late", dueAt, downAt, changesAt: downAt };
  return { status: "up", dueAt, downAt, changesAt: dueAt < downAt ? dueAt : downAt };
}
