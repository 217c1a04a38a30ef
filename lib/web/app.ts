import { type Context, Hono } from "hono";
import type { Logger } from "../log.ts";
import type { RouteCounts } from "../metrics/http.ts";
import type { Services } from "../services.ts";
import { WriteUnavailable } from "../store/group_writer.ts";
import { errorResponse, HttpError, json } from "./http_error.ts";
import { embeddedFiles } from "../embedded.ts";
import { mountAssets, readStaticFiles, type StaticFile, staticFilesFrom } from "./assets.ts";
import { type ClientAssets, clientAssets, embeddedClientAssets } from "./client_build.ts";
import { directHandlers, mountRoutes, type PageSupport } from "./fs_routes.ts";
import { registerIslands } from "./islands.ts";
import { renderPage } from "./render.tsx";
import { type Manifest, METHODS, type RouteContext } from "./route.ts";

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

const noPage = () => {
  throw new Error("only page routes (with a default-exported component) can render");
};

/** The per-request context; URL and logger are built only when a handler asks for them. */
class RequestContext implements RouteContext {
  #url: URL | undefined;
  #log: Logger | undefined;
  readonly state: Record<string, unknown> = {};
  params: Record<string, string>;
  remoteAddr: string | undefined;
  render: RouteContext["render"] = noPage;
  /** The response counts of the route that handled the request, once one did. */
  route: RouteCounts | undefined;
  /** The response built by reply() below, which needs no X-Request-Id added. */
  stamped: Response | undefined;

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

  reply(template: Response, headers?: Record<string, string>): Response {
    const res = template.clone();
    const set = res.headers;
    if (headers) { for (const name in headers) set.set(name, headers[name]); }
    set.set("x-request-id", this.requestId);
    return this.stamped = res;
  }

  /** Adds X-Request-Id to a response that was not built with it. */
  stamp(res: Response): void {
    if (res !== this.stamped) res.headers.set("x-request-id", this.requestId);
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

const STATIC_DIR = new URL("../../static/", import.meta.url);
const STYLESHEET = "hartslag.css";

/** The status and message a page shows for an error a handler threw. */
function describePageError(error: unknown, ctx: RouteContext): { status: number; message: string } {
  if (error instanceof HttpError) {
    return { status: error.status, message: error.message };
  }
  if (error instanceof WriteUnavailable) {
    return { status: 503, message: "The database is busy or unreachable; try again shortly." };
  }
  ctx.log.log("error", "unhandled page error", {
    error,
    method: ctx.req.method,
    path: ctx.url.pathname,
  });
  return { status: 500, message: "Something went wrong on our side." };
}

/** Pages, islands and static files, for a manifest that has page routes. */
function pageSupport(services: Services, manifest: Manifest): {
  pages: PageSupport;
  staticFiles: () => Promise<Map<string, StaticFile>>;
  assets: () => Promise<ClientAssets | undefined>;
} {
  const islandFiles = Object.keys(manifest.islands ?? {});
  registerIslands(manifest.islands);
  const embedded = embeddedFiles();
  const built = islandFiles.length === 0
    ? Promise.resolve(undefined)
    : embedded
    ? Promise.resolve(embeddedClientAssets(embedded.client))
    : clientAssets(
      islandFiles,
      (error) => services.log.log("warn", "island build failed; using the last build", { error }),
    ).catch((error) => {
      services.log.log("error", "no island bundles: pages will not hydrate", { error });
      return undefined;
    });
  const files = embedded ? staticFilesFrom(embedded.static) : readStaticFiles(STATIC_DIR);
  const staticFiles = () => files;
  const renderer = {
    app: manifest.routes["./routes/_app.tsx"]?.default,
    assets: () => built,
    stylesheet: async () => {
      const file = (await files).get(STYLESHEET);
      return `/static/${STYLESHEET}${file ? `?v=${file.version}` : ""}`;
    },
  };
  const errorModule = manifest.routes["./routes/_error.tsx"];
  const pages: PageSupport = {
    renderer,
    async errorPage(ctx, error) {
      const { status, message } = describePageError(error, ctx);
      const headers = error instanceof HttpError ? error.headers : {};
      if (!errorModule?.default) {
        return new Response(`${status}: ${message}\n`, {
          status,
          headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
        });
      }
      return await renderPage(
        renderer,
        errorModule,
        ctx,
        { status, message, requestId: ctx.requestId },
        { status, headers, title: status === 404 ? "Not found" : "Error" },
      );
    },
  };
  return { pages, staticFiles, assets: () => built };
}

/** The route label of a request no route handler took (middleware answered, or 404). */
function unroutedLabel(c: Context): string {
  const path = c.req.routePath;
  return path === "*" || path === "/*" ? "(unmatched)" : path;
}

const knownMethods = new Set<string>(METHODS);

/** A path segment decoded as the router decodes parameters; undefined when it cannot be. */
function lastSegment(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** The method as a metric label: any method outside the known ones is OTHER (bounded). */
function methodLabel(method: string): string {
  return knownMethods.has(method) ? method : "OTHER";
}

/** One access-log line; off by default (HARTSLAG_ACCESS_LOG), since it costs per request. */
function accessLog(ctx: RequestContext, c: Context, started: number): void {
  ctx.log.log("info", "request", {
    method: ctx.req.method,
    path: ctx.url.pathname,
    route: ctx.route?.route ?? unroutedLabel(c),
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 100) / 100,
    remote: ctx.remoteAddr,
  });
}

/** The whole HTTP surface: every file under routes/, with ids, errors and 404s handled. */
export function createApp(services: Services, manifest: Manifest): Hono {
  const app = new Hono();
  const http = services.metrics.http;
  const sample = services.config.accessLogSample;
  const context = (c: Context): RouteContext => {
    const params = c.req.param() as Record<string, string>;
    let ctx = c.get(CONTEXT as never) as RequestContext | undefined;
    if (!ctx) {
      const remote = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr;
      ctx = new RequestContext(c.req.raw, services, requestIdFrom(c.req.raw), params);
      ctx.remoteAddr = remote?.hostname;
      c.set(CONTEXT as never, ctx as never);
    } else {
      ctx.params = params;
    }
    return ctx;
  };
  app.use("*", async (c, next) => {
    const ctx = context(c) as RequestContext;
    const started = sample > 0 ? performance.now() : 0;
    await next();
    ctx.stamp(c.res);
    (ctx.route ?? http.route(methodLabel(c.req.method), unroutedLabel(c))).count(c.res.status);
    if (sample > 0 && (sample >= 1 || Math.random() < sample)) accessLog(ctx, c, started);
  });
  app.onError((error, c) => toErrorResponse(error, context(c)));
  const hasPages = Object.values(manifest.routes).some((m) => typeof m.default === "function");
  const support = hasPages ? pageSupport(services, manifest) : undefined;
  app.notFound((c) => {
    const wantsPage = !c.req.path.startsWith("/api/") &&
      (c.req.header("accept") ?? "").includes("text/html");
    if (support && wantsPage) {
      return support.pages.errorPage(
        context(c),
        new HttpError(404, { error: "not_found", message: "There is no page at this address." }),
      );
    }
    return json(
      { error: "not_found", message: `Nothing is at ${c.req.method} ${c.req.path}.` },
      404,
    );
  });
  if (support) mountAssets(app, support.staticFiles, support.assets);
  mountRoutes(app, manifest, context, support?.pages, (method, pattern) => {
    const counts = http.route(method, pattern);
    return (ctx) => {
      (ctx as RequestContext).route = counts;
    };
  });

  // Routes without parameters, or with only a last one, are answered without the router,
  // with the same ids, errors and metrics.
  const direct = new Map(
    [...directHandlers(manifest)].map(([key, { pattern, handle, param }]) => {
      const [method] = key.split(" ");
      return [key, { handle, param, counts: http.route(method, pattern) }];
    }),
  );
  const routed = app.fetch;
  app.fetch = (req: Request, env?: unknown, executionCtx?: unknown) => {
    const url = req.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const query = url.indexOf("?", start);
    const path = url.slice(start, query < 0 ? undefined : query);
    let route = direct.get(`${req.method} ${path}`);
    let params: Record<string, string> = {};
    if (!route) {
      const slash = path.lastIndexOf("/");
      const segment = slash < path.length - 1 ? lastSegment(path.slice(slash + 1)) : undefined;
      route = segment === undefined
        ? undefined
        : direct.get(`${req.method} ${path.slice(0, slash)}/*`);
      if (route?.param) params = { [route.param]: segment! };
    }
    if (!route || sample > 0) {
      return routed(req, env as never, executionCtx as never);
    }
    const remote = (env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr;
    const ctx = new RequestContext(req, services, requestIdFrom(req), params);
    ctx.remoteAddr = remote?.hostname;
    const finish = (res: Response) => {
      ctx.stamp(res);
      route.counts.count(res.status);
      return res;
    };
    try {
      return Promise.resolve(route.handle(ctx)).then(
        finish,
        (error) => finish(toErrorResponse(error, ctx)),
      );
    } catch (error) {
      return finish(toErrorResponse(error, ctx));
    }
  };
  return app;
}
