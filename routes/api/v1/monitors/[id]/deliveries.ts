import { listQuery } from "../../../../../lib/domain/monitor_input.ts";
import { listDeliveries } from "../../../../../lib/store/deliveries.ts";
import { json } from "../../../../../lib/web/http_error.ts";
import { queryParams } from "../../../../../lib/web/input.ts";
import { monitorFromParams } from "../../../../../lib/web/monitors.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const monitor = await monitorFromParams(ctx);
    const { limit } = queryParams(ctx, listQuery);
    const deliveries = await listDeliveries(ctx.services.db, monitor.appId, monitor.id, limit);
    return json({
      deliveries: deliveries.map((d) => ({
        id: d.id,
        kind: d.kind,
        state: d.state,
        channel_id: d.channelId,
        incident_id: d.incidentId,
        attempts: d.attempts,
        next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
        created_at: d.createdAt.toISOString(),
        sent_at: d.sentAt?.toISOString() ?? null,
        log: d.log.map((a) => ({
          attempt: a.attempt,
          started_at: a.startedAt.toISOString(),
          duration_ms: a.durationMs,
          ok: a.ok,
          status_code: a.statusCode,
          error: a.error,
        })),
      })),
    });
  },
};
