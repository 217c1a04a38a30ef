import { listQuery } from "../../../../../lib/domain/monitor_input.ts";
import { listFlips } from "../../../../../lib/store/monitor_logs.ts";
import { json } from "../../../../../lib/web/http_error.ts";
import { queryParams } from "../../../../../lib/web/input.ts";
import { monitorFromParams } from "../../../../../lib/web/monitors.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const monitor = await monitorFromParams(ctx);
    const { limit } = queryParams(ctx, listQuery);
    const flips = await listFlips(ctx.services.db, monitor.appId, monitor.id, limit);
    return json({
      flips: flips.map((f) => ({
        id: String(f.id),
        from: f.from_status,
        to: f.to_status,
        at: f.at.toISOString(),
        reason: f.reason,
        incident_id: f.incident_id === null ? null : String(f.incident_id),
        alert: f.alert,
      })),
    });
  },
};
