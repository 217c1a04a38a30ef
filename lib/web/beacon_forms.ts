import type { BeaconLimit } from "../store/beacons.ts";

/** A dashboard beacon form's limit fields as typed; both empty stands for the default limit. */
export interface LimitFields {
  count: string;
  window: string;
}

export function limitFieldsOf(form: URLSearchParams): LimitFields {
  return {
    count: (form.get("limit_count") ?? "").trim(),
    window: (form.get("limit_window_s") ?? "").trim(),
  };
}

/** The fields that show a beacon's limit: its own, or empty for the default. */
export function limitFieldsFor(limit: BeaconLimit | null): LimitFields {
  return limit
    ? { count: String(limit.count), window: String(limit.windowS) }
    : { count: "", window: "" };
}

/**
 * The `limit` the fields stand for, as the API's body gives it, for the API's zod schema to
 * judge: null for the default, NaN for a missing half (so that it fails as a number).
 */
export function limitInputOf(fields: LimitFields): unknown {
  if (fields.count === "" && fields.window === "") return null;
  return { count: Number(fields.count || NaN), window_s: Number(fields.window || NaN) };
}

export const LIMIT_FORM_ERROR =
  "A limit needs both a count (1 to 1,000,000) and a window (1 to 86,400 seconds).";
