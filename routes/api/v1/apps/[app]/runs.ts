import { jsonInteger } from "../../../../../lib/domain/integers.ts";
import { runsQuery } from "../../../../../lib/domain/monitor_input.ts";
import { listRunsByName } from "../../../../../lib/store/monitor_logs.ts";
import { appFromParams } from "../../../../../lib/web/admin.ts";
import { json } from "../../../../../lib/web/http_error.ts";
import { queryParams } from "../../../../../lib/web/input.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const { name, limit } = queryParams(ctx, runsQuery);
    const runs = await listRunsByName(ctx.services.db, app.id, name, limit);
    return json({
      runs: runs.map((r) => ({
        name: r.name,
        id: r.client_id ?? String(r.id),
        started_at: r.started_at?.toISOString() ?? null,
        finished_at: r.finished_at?.toISOString() ?? null,
        duration_ms: r.duration_ms === null ? null : jsonInteger(r.duration_ms),
        outcome: r.outcome,
      })),
    });
  },
};
