import { liveKeys } from "../../../../lib/kv/live_counters.ts";
import { summariseEvents } from "../../../../lib/store/events.ts";
import { appFromParams } from "../../../../lib/web/admin.ts";
import { liveStreamResponse } from "../../../../lib/web/live_stream.ts";
import type { Handlers } from "../../../../lib/web/route.ts";

/**
 * The app page's live counters: server-sent `counts` events with the app's event summary,
 * re-read from the rollups whenever the app's live total in KV moves.
 */
export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const { db, kv } = ctx.services;
    return liveStreamResponse({
      kv,
      key: liveKeys.appTotal(app.id),
      event: "counts",
      load: async () => ({
        events: await summariseEvents(db, app.id, app.timezone, ctx.services.now()),
      }),
      stop: AbortSignal.any([ctx.req.signal, ctx.services.lifetime.signal]),
      onError: (error) => ctx.log.log("warn", "live stream failed", { error, appId: app.id }),
    });
  },
};
