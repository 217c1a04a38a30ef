import { Cron } from "croner";

/** When a monitor expects its pings: every N seconds, or on a cron schedule in a timezone. */
export type Schedule =
  | { readonly kind: "interval"; readonly seconds: number }
  | { readonly kind: "cron"; readonly expression: string; readonly timezone: string };

const nicknames = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"]);

/**
 * Why a cron expression is not accepted, or undefined when it is: five fields (minute, hour,
 * day of month, month, day of week) as Vixie cron reads them, or a nickname such as @daily.
 */
export function cronProblem(expression: string, timezone = "UTC"): string | undefined {
  const text = expression.trim();
  if (!nicknames.has(text.toLowerCase()) && text.split(/\s+/).length !== 5) {
    return "must have five fields: minute hour day-of-month month day-of-week";
  }
  try {
    const cron = new Cron(text, { timezone, paused: true });
    if (!cron.nextRun(new Date())) return "never fires";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}

const cache = new Map<string, Cron>();

function cronFor(expression: string, timezone: string): Cron {
  const key = `${timezone} ${expression}`;
  let cron = cache.get(key);
  if (!cron) {
    if (cache.size > 10_000) cache.clear();
    cron = new Cron(expression.trim(), { timezone, paused: true });
    cache.set(key, cron);
  }
  return cron;
}

/**
 * The first expected time strictly after `after`. A cron time that a DST change skips runs
 * at the first valid minute after the gap; a repeated hour runs once, as Vixie cron does.
 */
export function nextExpected(schedule: Schedule, after: Date): Date {
  if (schedule.kind === "interval") return new Date(after.getTime() + schedule.seconds * 1000);
  const next = cronFor(schedule.expression, schedule.timezone).nextRun(after);
  // A valid expression always has a next run; a far-future one stands in for "never".
  return next ?? new Date(8_640_000_000_000_000);
}
