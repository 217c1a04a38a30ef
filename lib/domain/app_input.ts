import { z } from "zod";
import { parseClientDate } from "./dates.ts";

/** An IANA zone name that both the runtime and PostgreSQL know, e.g. `Asia/Kathmandu`. */
export const ianaTimezone = z.string().trim().refine((name) => {
  if (name === "UTC") return true;
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}, { message: "must be an IANA timezone name such as Europe/Amsterdam" });

export const newAppBody = z.object({
  name: z.string().trim().min(1).max(100),
  timezone: ianaTimezone.default("UTC"),
});

export const clientDate = z.string().transform((value, ctx) => {
  const date = parseClientDate(value);
  if (!date) {
    ctx.addIssue({
      code: "custom",
      message: "must be a date (RFC 3339, YYYY-MM-DD or Unix seconds)",
    });
    return z.NEVER;
  }
  return date;
});

export const seriesQuery = z.object({
  bucket: z.enum(["minute", "hour", "day"]).default("hour"),
  from: clientDate.optional(),
  to: clientDate.optional(),
});

export const exportQuery = z.object({
  from: clientDate.optional(),
  to: clientDate.optional(),
  event: z.string().min(1).max(255).optional(),
});

/** Default span of a series when `from` is omitted, per bucket. */
export const defaultSeriesSpanMs = { minute: 3_600_000, hour: 86_400_000, day: 30 * 86_400_000 };

/** Most points one series call may return. */
export const MAX_SERIES_POINTS = 10_000;

export const bucketMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
