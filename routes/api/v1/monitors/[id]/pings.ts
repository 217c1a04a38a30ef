import { listQuery } from "../../../../../lib/domain/monitor_input.ts";
import { listPings } from "../../../../../lib/store/monitor_logs.ts";
import { json } from "../../../../../lib/web/http_error.ts";
import { queryParams } from "../../../../../lib/web/input.ts";
import { monitorFromParams } from "../../../../../lib/web/monitors.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const monitor = await monitorFromParams(ctx);
    const { limit } = queryParams(ctx, listQuery);
    const pings = await listPings(ctx.services.db, monitor.appId, monitor.id, limit);
    return json({
      pings: pings.map((p) => ({
        n: Number(p.n),
        kind: p.kind,
        exit_status: p.exit_status,
        at: p.at.toISOString(),
        source: p.source,
        method: p.method,
        remote_addr: p.remote_addr,
        user_agent: p.user_agent,
        run_id: p.run_id,
        body: p.body,
        body_truncated: p.body_truncated,
      })),
    });
  },
};
