import { jsonInteger } from "../../../../../../lib/domain/integers.ts";
import { summariseEvents, type Totals } from "../../../../../../lib/store/events.ts";
import { appFromParams } from "../../../../../../lib/web/admin.ts";
import { json } from "../../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../../lib/web/route.ts";

const totals = (t: Totals) => ({ count: jsonInteger(t.count), weight: jsonInteger(t.weight) });

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const events = await summariseEvents(ctx.services.db, app.id, app.timezone, ctx.services.now());
    return json({
      timezone: app.timezone,
      events: events.map((e) => ({
        event: e.event,
        today: totals(e.today),
        week: totals(e.week),
        month: totals(e.month),
        total: totals(e.total),
      })),
    });
  },
};
