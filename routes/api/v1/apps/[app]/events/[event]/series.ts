import {
  bucketMs,
  defaultSeriesSpanMs,
  MAX_SERIES_POINTS,
  seriesQuery,
} from "../../../../../../../lib/domain/app_input.ts";
import { jsonInteger } from "../../../../../../../lib/domain/integers.ts";
import { eventSeries } from "../../../../../../../lib/store/events.ts";
import { appFromParams } from "../../../../../../../lib/web/admin.ts";
import { apiError, json } from "../../../../../../../lib/web/http_error.ts";
import { queryParams } from "../../../../../../../lib/web/input.ts";
import type { Handlers } from "../../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const query = queryParams(ctx, seriesQuery);
    const to = query.to ?? ctx.services.now();
    const from = query.from ?? new Date(to.getTime() - defaultSeriesSpanMs[query.bucket]);
    if (from >= to) throw apiError(422, "validation_failed", "from must be before to");
    if ((to.getTime() - from.getTime()) / bucketMs[query.bucket] > MAX_SERIES_POINTS) {
      throw apiError(
        422,
        "validation_failed",
        `at most ${MAX_SERIES_POINTS} ${query.bucket} buckets per request: narrow from/to or use a larger bucket`,
      );
    }
    const points = await eventSeries(
      ctx.services.db,
      app.id,
      ctx.params.event,
      app.timezone,
      query.bucket,
      from,
      to,
    );
    return json({
      bucket: query.bucket,
      timezone: app.timezone,
      points: points.map((p) => ({
        t: p.t.toISOString(),
        count: jsonInteger(p.count),
        weight: jsonInteger(p.weight),
      })),
    });
  },
};
