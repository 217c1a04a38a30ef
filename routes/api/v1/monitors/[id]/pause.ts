import { pauseMonitor } from "../../../../../lib/store/monitors.ts";
import { apiError, json } from "../../../../../lib/web/http_error.ts";
import { monitorJson } from "../../../../../lib/web/monitors.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST(ctx) {
    const monitor = await pauseMonitor(ctx.services.db, ctx.params.id, ctx.services.now());
    if (!monitor) {
      throw apiError(404, "not_found", `No monitor with id ${JSON.stringify(ctx.params.id)}.`);
    }
    ctx.services.monitorLoop.wake(monitor.nextCheckAt);
    return json(monitorJson(ctx, monitor));
  },
};
