import { jsonInteger } from "../domain/integers.ts";
import { evaluate, findMonitor, type Monitor } from "../store/monitors.ts";
import { publicBaseUrl } from "./base_url.ts";
import { apiError } from "./http_error.ts";
import type { RouteContext } from "./route.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The URL a job pings for this monitor. */
export function pingUrl(ctx: RouteContext, monitorId: string): string {
  return `${publicBaseUrl(ctx)}/api/v1/hb/${monitorId}`;
}

/** A monitor as the management API shows it; the status is evaluated at the request's time. */
export function monitorJson(ctx: RouteContext, m: Monitor) {
  const { state } = evaluate(m, ctx.services.now(), true);
  const rule = m.eventRule;
  return {
    id: m.id,
    app_id: m.appId,
    name: m.name,
    kind: m.kind,
    status: state.status,
    interval_s: m.schedule.kind === "interval" ? m.schedule.seconds : null,
    cron: m.schedule.kind === "cron" ? m.schedule.expression : null,
    timezone: m.schedule.kind === "cron" ? m.schedule.timezone : null,
    grace_s: m.graceS,
    ping_url: pingUrl(ctx, m.id),
    last_ping_at: iso(m.lastPingAt),
    last_ping_failed: m.lastPingFailed,
    last_start_at: iso(m.lastStartAt),
    next_due_at: iso(state.dueAt),
    down_at: iso(state.downAt),
    n_pings: jsonInteger(m.nPings),
    ...(rule
      ? {
        event: rule.event,
        min_count: rule.minCount === null ? null : jsonInteger(rule.minCount),
        min_weight: rule.minWeight === null ? null : jsonInteger(rule.minWeight),
        window_s: rule.windowS,
      }
      : {}),
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

/** The monitor named by the `:id` URL parameter, or a 404. */
export async function monitorFromParams(ctx: RouteContext): Promise<Monitor> {
  const monitor = await findMonitor(ctx.services.db, ctx.params.id);
  if (!monitor) {
    throw apiError(404, "not_found", `No monitor with id ${JSON.stringify(ctx.params.id)}.`);
  }
  return monitor;
}

export const PING_BODY_LIMIT = 100 * 1024;
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * The first 100 KB of a ping's body as text; the rest is read and dropped (never a 413: a
 * ping must not fail because its log is long).
 */
export async function readPingBody(
  req: Request,
): Promise<{ body: string | null; truncated: boolean }> {
  if (!req.body) return { body: null, truncated: false };
  const kept = new Uint8Array(PING_BODY_LIMIT);
  let size = 0, seen = 0;
  const reader = req.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += value.byteLength;
      if (size < PING_BODY_LIMIT) {
        const take = value.subarray(0, PING_BODY_LIMIT - size);
        kept.set(take, size);
        size += take.byteLength;
      }
      if (seen > DRAIN_LIMIT) {
        await reader.cancel();
        break;
      }
    }
  } catch {
    // A body cut off midway still leaves what arrived.
  } finally {
    reader.releaseLock();
  }
  if (seen === 0) return { body: null, truncated: false };
  const text = new TextDecoder().decode(kept.subarray(0, size)).replaceAll("\u0000", "");
  return { body: text, truncated: seen > size };
}
