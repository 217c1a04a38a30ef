import { newMonitorBody } from "../../../../../../lib/domain/monitor_input.ts";
import { insertMonitor, listMonitors } from "../../../../../../lib/store/monitors.ts";
import { appFromParams } from "../../../../../../lib/web/admin.ts";
import { apiError, json } from "../../../../../../lib/web/http_error.ts";
import { jsonBody } from "../../../../../../lib/web/input.ts";
import { newMonitorOf } from "../../../../../../lib/web/monitor_edits.ts";
import { monitorJson } from "../../../../../../lib/web/monitors.ts";
import type { Handlers } from "../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST(ctx) {
    const app = await appFromParams(ctx);
    const body = await jsonBody(ctx, newMonitorBody);
    const monitor = await insertMonitor(
      ctx.services.db,
      newMonitorOf(body, app),
      ctx.services.now(),
    );
    if (!monitor) {
      throw apiError(
        409,
        "conflict",
        `The app already has a monitor named ${JSON.stringify(body.name)}.`,
      );
    }
    ctx.services.monitorLoop.wake(monitor.nextCheckAt);
    return json(monitorJson(ctx, monitor), 201);
  },

  async GET(ctx) {
    const app = await appFromParams(ctx);
    const monitors = await listMonitors(ctx.services.db, app.id);
    return json({ monitors: monitors.map((m) => monitorJson(ctx, m)) });
  },
};
