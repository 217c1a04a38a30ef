/** The earliest and latest instants accepted from clients: years 0001 through 9999. */
const EARLIEST = new Date("0001-01-01T00:00:00Z").getTime();
const LATEST = new Date("9999-12-31T23:59:59.999Z").getTime();

const isoLike =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const unixSeconds = /^-?\d{1,12}(\.\d{1,9})?$/;
const rfc2822 =
  /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:GMT|UTC|UT|Z|[+-]\d{4})$/;

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function inRange(ms: number): Date | undefined {
  return Number.isFinite(ms) && ms >= EARLIEST && ms <= LATEST ? new Date(ms) : undefined;
}

function fromIso(match: RegExpMatchArray): Date | undefined {
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", offset = "Z"] = match;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (offset.toUpperCase() !== "Z") {
    const digits = offset.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2) || "0");
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (offset[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, Number(frac.padEnd(3, "0").slice(0, 3)));
  return inRange(utc.getTime() - offsetMinutes * 60_000);
}

/**
 * A client-supplied time: RFC 3339 / ISO 8601 with or without an offset (none means UTC),
 * `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`, RFC 2822, or Unix seconds as a number or numeric
 * string. Returns undefined for anything else, including impossible calendar dates.
 */
export function parseClientDate(value: unknown): Date | undefined {
  if (typeof value === "number") return inRange(value * 1000);
  if (typeof value === "bigint") return inRange(Number(value) * 1000);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (unixSeconds.test(text)) return inRange(Number(text) * 1000);
  const iso = text.match(isoLike);
  if (iso) return fromIso(iso);
  if (rfc2822.test(text)) return inRange(Date.parse(text));
  return undefined;
}

/** RFC 3339 in UTC with a `Z`, as every response carries times. */
export function toRfc3339(date: Date): string {
  return date.toISOString();
}
