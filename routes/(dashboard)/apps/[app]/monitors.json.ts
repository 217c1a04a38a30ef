import { listMonitors } from "../../../../lib/store/monitors.ts";
import { appFromParams } from "../../../../lib/web/admin.ts";
import { json } from "../../../../lib/web/http_error.ts";
import { boardRow, sortBoard } from "../../../../lib/web/monitor_board.ts";
import type { Handlers } from "../../../../lib/web/route.ts";

/** The monitors board's statuses, evaluated now: what its island polls (session only). */
export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const now = ctx.services.now();
    const monitors = await listMonitors(ctx.services.db, app.id);
    return json(
      { monitors: sortBoard(monitors.map((m) => boardRow(m, now))) },
      200,
      { "cache-control": "no-store" },
    );
  },
};
