import { type Context, Hono } from "hono";
import type { Logger } from "../log.ts";
import type { Services } from "../services.ts";
import { WriteUnavailable } from "../store/group_writer.ts";
import { errorResponse, HttpError, json } from "./http_error.ts";
import { mountRoutes } from "./fs_routes.ts";
import type { Manifest, RouteContext } from "./route.ts";

const CONTEXT = "routeContext";

const bootId = crypto.randomUUID().slice(0, 8);
let requestCounter = 0;

/** The client's X-Request-Id when it is sane, else a cheap unique one: boot id + counter. */
function requestIdFrom(req: Request): string {
  const given = req.headers.get("x-request-id");
  return given && /^[\w.:-]{1,128}$/.test(given)
    ? given
    : `${bootId}-${(++requestCounter).toString(36)}`;
}

/** The per-request context; URL and logger are built only when a handler asks for them. */
class RequestContext implements RouteContext {
  #url: URL | undefined;
  #log: Logger | undefined;
  readonly state: Record<string, unknown> = {};
  params: Record<string, string>;

  constructor(
    readonly req: Request,
    readonly services: Services,
    readonly requestId: string,
    params: Record<string, string>,
  ) {
    this.params = params;
  }

  get url(): URL {
    return this.#url ??= new URL(this.req.url);
  }

  get log(): Logger {
    return this.#log ??= this.services.log.child({ requestId: this.requestId });
  }
}

/** Maps anything a handler throws to the response a client should see. */
export function toErrorResponse(error: unknown, ctx: RouteContext): Response {
  if (error instanceof HttpError) return errorResponse(error);
  if (error instanceof WriteUnavailable) {
    return json(
      { error: "Service Unavailable", message: error.message },
      503,
      { "retry-after": String(error.retryAfterSeconds) },
    );
  }
  ctx.log.log("error", "unhandled error", {
    error,
    method: ctx.req.method,
    path: ctx.url.pathname,
  });
  return json(
    {
      error: "internal_error",
      message: `Something went wrong on our side. Request id: ${ctx.requestId}`,
    },
    500,
  );
}

/** The whole HTTP surface: every file under routes/, with ids, errors and 404s handled. */
export function createApp(services: Services, manifest: Manifest): Hono {
  const app = new Hono();
  const context = (c: Context): RouteContext => {
    const params = c.req.param() as Record<string, string>;
    let ctx = c.get(CONTEXT as never) as RequestContext | undefined;
    if (!ctx) {
      ctx = new RequestContext(c.req.raw, services, requestIdFrom(c.req.raw), params);
      c.set(CONTEXT as never, ctx as never);
    } else {
      ctx.params = params;
    }
    return ctx;
  };
  app.use("*", async (c, next) => {
    const ctx = context(c);
    await next();
    c.res.headers.set("x-request-id", ctx.requestId);
  });
  app.onError((error, c) => toErrorResponse(error, context(c)));
  app.notFound((c) =>
    json({ error: "not_found", message: `Nothing is at ${c.req.method} ${c.req.path}.` }, 404)
  );
  mountRoutes(app, manifest, context);
  return app;
}
