import { pauseMonitor } from "../../../../../../lib/store/monitors.ts";
import { HttpError } from "../../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../../lib/web/route.ts";
import { redirect } from "../../../../../../lib/web/session.ts";
import { monitorOfPage, monitorPath } from "./index.tsx";

/** The monitor page's pause button (a CSRF-checked form). */
export const handler: Handlers = {
  async POST(ctx) {
    const { app, monitor } = await monitorOfPage(ctx);
    const done = await pauseMonitor(ctx.services.db, monitor.id, ctx.services.now());
    if (!done) throw new HttpError(404, { error: "not_found", message: "The monitor is gone." });
    ctx.services.monitorLoop.wake(done.nextCheckAt);
    return redirect(`${monitorPath(app.id, monitor.id)}?done=paused`);
  },
};
