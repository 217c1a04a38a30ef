import { parseIdempotencyKey } from "../../../lib/domain/idempotency.ts";
import { laravelValidationBody } from "../../../lib/domain/laravel_errors.ts";
import { validateHeartbeat } from "../../../lib/domain/heartbeat_input.ts";
import { rateLimitHeaders } from "../../../lib/domain/sliding_window.ts";
import { bearerToken } from "../../../lib/store/app_tokens.ts";
import { json } from "../../../lib/web/http_error.ts";
import { readRequestFields } from "../../../lib/web/request_body.ts";
import type { Handlers } from "../../../lib/web/route.ts";

const BODY_LIMIT = 64 * 1024;

export const handler: Handlers = {
  async POST({ req, services }) {
    const token = bearerToken(req.headers.get("authorization"));
    const app = token === undefined ? undefined : await services.appTokens.authenticate(token);
    if (!app) return json({ error: "Unauthorized" }, 401);

    const idempotency = parseIdempotencyKey(req.headers.get("idempotency-key"));
    if (!idempotency.ok) return json({ error: "Bad Request", message: idempotency.message }, 400);

    // Counted before the body is read, so a refused request costs little; refused ones
    // are not counted.
    const policy = services.config.rateLimits.app;
    let limitHeaders: Record<string, string> | undefined;
    if (policy) {
      const decision = await services.rateLimiter.hit(`app:${app.id}`, policy);
      limitHeaders = rateLimitHeaders(decision, policy);
      if (!decision.allowed) return json({ error: "Too Many Requests" }, 429, limitHeaders);
    }

    const validation = validateHeartbeat(await readRequestFields(req, BODY_LIMIT));
    if (!validation.ok) return json(laravelValidationBody(validation.errors), 422, limitHeaders);

    const { event, weight, userId, createdAt } = validation.value;
    await services.eventWriter.write({
      appId: app.id,
      event,
      weight,
      userId,
      createdAt: createdAt ?? services.now(),
      idempotencyKey: idempotency.key,
    });
    return json([], 201, limitHeaders);
  },
};
