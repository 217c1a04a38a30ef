import { listQuery } from "../../../../../lib/domain/monitor_input.ts";
import { listIncidents } from "../../../../../lib/store/monitor_logs.ts";
import { json } from "../../../../../lib/web/http_error.ts";
import { queryParams } from "../../../../../lib/web/input.ts";
import { monitorFromParams } from "../../../../../lib/web/monitors.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const monitor = await monitorFromParams(ctx);
    const { limit } = queryParams(ctx, listQuery);
    const incidents = await listIncidents(ctx.services.db, monitor.appId, monitor.id, limit);
    return json({
      incidents: incidents.map((i) => ({
        id: String(i.id),
        opened_at: i.opened_at.toISOString(),
        reason: i.reason,
        closed_at: i.closed_at?.toISOString() ?? null,
        close_reason: i.close_reason,
      })),
    });
  },
};
