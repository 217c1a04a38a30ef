import { timingSafeEqual } from "hono/utils/buffer";
import { PROMETHEUS_CONTENT_TYPE } from "../lib/metrics/registry.ts";
import { bearerToken } from "../lib/store/app_tokens.ts";
import { apiError } from "../lib/web/http_error.ts";
import type { Handlers } from "../lib/web/route.ts";

export const handler: Handlers = {
  async GET({ req, services, log }) {
    const expected = services.config.metricsToken;
    if (expected !== undefined) {
      const given = bearerToken(req.headers.get("authorization"));
      if (given === undefined || !(await timingSafeEqual(given, expected))) {
        throw apiError(
          401,
          "unauthorized",
          "A valid metrics token is required: Authorization: Bearer <HARTSLAG_METRICS_TOKEN>.",
        );
      }
    }
    const body = await services.metrics.registry.render((metric, error) =>
      log.log("warn", "metric collection failed", { metric, error })
    );
    return new Response(body, {
      headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" },
    });
  },
};
