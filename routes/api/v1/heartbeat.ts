import { parseIdempotencyKey } from "../../../lib/domain/idempotency.ts";
import { laravelValidationBody } from "../../../lib/domain/laravel_errors.ts";
import { validateHeartbeat } from "../../../lib/domain/heartbeat_input.ts";
import { bearerToken } from "../../../lib/store/app_tokens.ts";
import { admitToApp } from "../../../lib/web/app_limit.ts";
import { json } from "../../../lib/web/http_error.ts";
import { readRequestFields } from "../../../lib/web/request_body.ts";
import type { Handlers } from "../../../lib/web/route.ts";

const BODY_LIMIT = 64 * 1024;
/** Every accepted event's answer; each request gets a copy with its own headers. */
const CREATED = json([], 201);

export const handler: Handlers = {
  async POST(ctx) {
    const { req, services } = ctx;
    // Start reading at once: the runtime's fast body path is lost once the handler awaits.
    const fields = readRequestFields(req, BODY_LIMIT);
    fields.catch(() => {});
    const token = bearerToken(req.headers.get("authorization"));
    const found = token === undefined ? undefined : services.appTokens.authenticate(token);
    const app = found instanceof Promise ? await found : found;
    if (!app) return json({ error: "Unauthorized" }, 401);

    const idempotency = parseIdempotencyKey(req.headers.get("idempotency-key"));
    if (!idempotency.ok) return json({ error: "Bad Request", message: idempotency.message }, 400);

    // Counted before the body is validated.
    const admitting = admitToApp(services, app.id);
    const admission = admitting instanceof Promise ? await admitting : admitting;
    if (admission.refusal) return admission.refusal;
    const limitHeaders = admission.headers;

    const validation = validateHeartbeat(await fields);
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
    return ctx.reply(CREATED, limitHeaders);
  },
};
