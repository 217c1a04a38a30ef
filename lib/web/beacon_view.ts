import type { Beacon } from "../store/beacons.ts";
import { publicBaseUrl } from "./base_url.ts";
import { apiError } from "./http_error.ts";
import type { RouteContext } from "./route.ts";

/** The ingestion URL of a beacon token. */
export function beetUrl(ctx: RouteContext, token: string): string {
  return `${publicBaseUrl(ctx)}/api/v1/beet/${token}`;
}

/** A beacon as the management API shows it; `limit` is the one in force. */
export function beaconJson(ctx: RouteContext, beacon: Beacon) {
  const fallback = ctx.services.config.rateLimits.beacon;
  return {
    id: beacon.id,
    app_id: beacon.appId,
    name: beacon.name,
    limit: beacon.limit
      ? { count: beacon.limit.count, window_s: beacon.limit.windowS, default: false }
      : { count: fallback.limit, window_s: Math.ceil(fallback.windowMs / 1000), default: true },
    created_at: beacon.createdAt.toISOString(),
  };
}

export function noSuchBeacon(ctx: RouteContext) {
  return apiError(
    404,
    "not_found",
    `App ${JSON.stringify(ctx.params.app)} has no beacon ${JSON.stringify(ctx.params.beacon)}.`,
  );
}

/** The answer to creating or renaming a beacon to a name another beacon of the app has. */
export function beaconNameTaken(appId: string, name: string) {
  return apiError(
    409,
    "conflict",
    `App ${appId} already has a beacon named ${JSON.stringify(name)}.`,
  );
}
