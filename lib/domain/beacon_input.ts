import { z } from "zod";

/** Beacon names become event names: the same 1–255 characters as the events API. */
export const beaconName = z.string().trim().min(1).max(255).refine(
  (name) => name.isWellFormed() && !name.includes("\0"),
  { message: "must not contain NUL characters or unpaired surrogates" },
);

export const beaconLimit = z.strictObject({
  count: z.number().int().min(1).max(1_000_000),
  window_s: z.number().int().min(1).max(86_400),
});

/** A limit as the API gives it (`window_s`), as the service keeps it (`windowS`). */
export function limitOf(
  limit: z.infer<typeof beaconLimit> | null | undefined,
): { count: number; windowS: number } | null | undefined {
  return limit && { count: limit.count, windowS: limit.window_s };
}

export const newBeaconBody = z.object({
  name: beaconName,
  limit: beaconLimit.nullable().optional(),
});

/** A change to a beacon: a new name, a new limit (null: back to the default), or both. */
export const beaconChangeBody = z.object({
  name: beaconName.optional(),
  limit: beaconLimit.nullable().optional(),
}).refine((body) => body.name !== undefined || body.limit !== undefined, {
  message: "give a name, a limit (null for the default), or both",
});

/** The shape of a beacon token (`beet_` and base32); anything else is unknown at once. */
export const beaconTokenShape = /^beet_[0-9a-z]{16,64}$/;

/** Bodies larger than this are not read for a value. */
export const BEACON_BODY_LIMIT = 4 * 1024;

function finite(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value)) {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/**
 * The `value` of a beacon's POST body (`{"value": 42}`), whatever its content type (a
 * `sendBeacon` or a preflight-free `fetch` sends text/plain). Junk gives null: the hit
 * still counts, without a value.
 */
export function beaconValueFromBody(text: string): number | null {
  if (!/^\s*\{/.test(text)) return null;
  try {
    const body = JSON.parse(text);
    return body !== null && typeof body === "object" ? finite(body.value) : null;
  } catch {
    return null;
  }
}

/** `?value=42` on a GET, for image beacons that cannot send a body. */
export function beaconValueFromQuery(param: string | null): number | null {
  return param === null ? null : finite(param);
}
