import { monitorEditBody } from "../../../../../lib/domain/monitor_input.ts";
import { deleteMonitor, editMonitor } from "../../../../../lib/store/monitors.ts";
import { apiError, json } from "../../../../../lib/web/http_error.ts";
import { jsonBody } from "../../../../../lib/web/input.ts";
import { editOf } from "../../../../../lib/web/monitor_edits.ts";
import { monitorFromParams, monitorJson } from "../../../../../lib/web/monitors.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    return json(monitorJson(ctx, await monitorFromParams(ctx)));
  },

  async PATCH(ctx) {
    const current = await monitorFromParams(ctx);
    const body = await jsonBody(ctx, monitorEditBody);
    let monitor;
    try {
      monitor = await editMonitor(
        ctx.services.db,
        current.id,
        editOf(current, body),
        ctx.services.now(),
      );
    } catch (error) {
      if ((error as { code?: string }).code === "23505") {
        throw apiError(
          409,
          "conflict",
          `The app already has a monitor named ${JSON.stringify(body.name)}.`,
        );
      }
      throw error;
    }
    if (!monitor) throw apiError(404, "not_found", "The monitor was deleted.");
    ctx.services.monitorLoop.wake(monitor.nextCheckAt);
    return json(monitorJson(ctx, monitor));
  },

  async DELETE(ctx) {
    const monitor = await monitorFromParams(ctx);
    await deleteMonitor(ctx.services.db, monitor.id);
    return new Response(null, { status: 204 });
  },
};
