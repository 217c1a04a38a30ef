import type { Context, Hono } from "hono";
import { type PageRendererOptions, renderPage } from "./render.tsx";
import {
  type Handler,
  type Handlers,
  type Manifest,
  METHODS,
  type Middleware,
  type RenderOptions,
  type RouteContext,
  type RouteModule,
} from "./route.ts";

/**
 * Turns a routes/ file path into a URL pattern as Fresh does: `index` is the folder itself,
 * `[name]` is a parameter, a `(group)` folder adds nothing to the URL; `_middleware`
 * applies to its folder and everything below.
 */
export function routePattern(file: string): string {
  const segments = file.replace(/^\.\/routes\//, "").replace(/\.(tsx?|jsx?)$/, "").split("/")
    .filter((s) => !/^\(.+\)$/.test(s));
  if (segments.at(-1) === "index" || segments.at(-1) === "_middleware") segments.pop();
  const path = segments.map((s) => s.replace(/^\[(\w+)\]$/, ":$1")).join("/");
  return `/${path}`;
}

/** The paths a route answers at: its pattern, and that with a slash when it asks for it. */
function routePaths(pattern: string, module: RouteModule): string[] {
  return module.trailingSlash && pattern !== "/" ? [pattern, `${pattern}/`] : [pattern];
}

export type ContextFactory = (c: Context) => RouteContext;

/** How page routes (modules with a default-exported component) are rendered. */
export interface PageSupport {
  renderer: PageRendererOptions;
  /** The response for an error thrown while handling a page (a friendly HTML page). */
  errorPage(ctx: RouteContext, error: unknown): Promise<Response>;
}

const isMiddlewareFile = (file: string) => /\/_middleware\.(tsx?|jsx?)$/.test(file);
const folderOf = (file: string) => file.slice(0, file.lastIndexOf("/") + 1);
/** A folder with a `(group)` segment: its middleware wraps its routes, not a URL prefix. */
const inGroup = (folder: string) => /\/\([^/]+\)\//.test(folder);

/** A route answered without the router (see directHandlers). */
export interface DirectRoute {
  pattern: string;
  handle: Handler;
  /** The parameter the last path segment is, for a route whose only parameter it is. */
  param?: string;
}

const segmentsOf = (pattern: string) => pattern.split("/");
const isParam = (segment: string) => segment.startsWith(":");

/** Whether some path could match both patterns (a parameter matches any one segment). */
function overlap(a: string, b: string): boolean {
  const [x, y] = [segmentsOf(a), segmentsOf(b)];
  return x.length === y.length &&
    x.every((segment, i) => segment === y[i] || isParam(segment) || isParam(y[i]));
}

/**
 * Routes that the router need not be asked about: no middleware folder above them, not
 * pages, and either no `[param]` in their path or only a last one that no other route
 * shares paths with. Keyed by "METHOD /path", or "METHOD /prefix/*" for a last parameter;
 * the events endpoint and the beacon pixel are such routes, and skipping the router and its
 * middleware chain is a measurable share of their cost.
 */
export function directHandlers(manifest: Manifest): Map<string, DirectRoute> {
  const files = Object.keys(manifest.routes);
  const middlewareFolders = files.filter(isMiddlewareFile).map(folderOf);
  const isRoute = (file: string) => !isMiddlewareFile(file) && !/\/_[^/]+$/.test(file);
  const patterns = files.filter(isRoute).map(routePattern);
  const routes = new Map<string, DirectRoute>();
  for (const [file, module] of Object.entries(manifest.routes)) {
    if (!isRoute(file) || module.default) continue;
    if (middlewareFolders.some((folder) => file.startsWith(folder))) continue;
    const pattern = routePattern(file);
    const handlers = Object.entries(module.handler ?? {});
    if (!pattern.includes(":")) {
      for (const path of routePaths(pattern, module)) {
        for (const [method, handle] of handlers) {
          routes.set(`${method} ${path}`, { pattern, handle });
        }
      }
      continue;
    }
    const last = pattern.match(/^([^:]*)\/:(\w+)$/);
    if (!last || patterns.some((other) => other !== pattern && overlap(other, pattern))) continue;
    const [, prefix, param] = last;
    for (const [method, handle] of handlers) {
      routes.set(`${method} ${prefix}/*`, { pattern, handle, param });
    }
  }
  return routes;
}

function compose(chain: Middleware[], handle: Handler): Handler {
  return chain.reduceRight<Handler>(
    (next, middleware) => (ctx) => middleware(ctx, () => Promise.resolve(next(ctx))),
    handle,
  );
}

function pageHandlers(module: RouteModule): Handlers {
  const handlers: Handlers = { ...module.handler };
  handlers.GET ??= (ctx) => ctx.render();
  return handlers;
}

/**
 * Called once per mounted route and method; the function it returns runs on each request
 * that route handles (the web layer counts responses per route with it).
 */
export type RouteObserver = (method: string, pattern: string) => (ctx: RouteContext) => void;

const ignoreRoute: RouteObserver = () => () => {};

/** Registers every route and middleware of the manifest on `app`. */
export function mountRoutes(
  app: Hono,
  manifest: Manifest,
  context: ContextFactory,
  pages?: PageSupport,
  observe: RouteObserver = ignoreRoute,
): void {
  const entries = Object.entries(manifest.routes).sort(([a], [b]) => a.localeCompare(b));
  const groupMiddleware: [folder: string, chain: Middleware[]][] = [];
  for (const [file, module] of entries) {
    if (!isMiddlewareFile(file) || !module.middleware) continue;
    if (inGroup(folderOf(file))) {
      groupMiddleware.push([folderOf(file), ([] as Middleware[]).concat(module.middleware)]);
      continue;
    }
    const base = routePattern(file);
    const chain = ([] as Middleware[]).concat(module.middleware);
    for (const middleware of chain) {
      app.use(base === "/" ? "*" : `${base}/*`, async (c, next) => {
        const response = await middleware(context(c), async () => {
          await next();
          return c.res;
        });
        if (response !== c.res) c.res = response;
      });
    }
  }
  for (const [file, module] of entries) {
    if (/\/_[^/]+$/.test(file.replace(/\.(tsx?|jsx?)$/, ""))) continue;
    const isPage = typeof module.default === "function";
    if (isPage && !pages) throw new Error(`${file} is a page, but pages are not set up`);
    const handlers: Handlers = isPage ? pageHandlers(module) : module.handler ?? {};
    const pattern = routePattern(file);
    const chain = groupMiddleware
      .filter(([folder]) => file.startsWith(folder))
      .sort(([a], [b]) => a.length - b.length)
      .flatMap(([, chain]) => chain);
    const allowed = METHODS.filter((m) => handlers[m] || (m === "HEAD" && handlers.GET));
    const paths = routePaths(pattern, module);
    for (const method of METHODS) {
      const handle = handlers[method];
      if (!handle) continue;
      const run = compose(chain, handle);
      const matched = observe(method, pattern);
      if (!isPage) {
        app.on(method, paths, (c) => {
          const ctx = context(c);
          matched(ctx);
          return run(ctx);
        });
        continue;
      }
      app.on(method, paths, async (c) => {
        const ctx: RouteContext = Object.assign(context(c), {
          render: (data?: unknown, options?: RenderOptions) =>
            renderPage(pages!.renderer, module, ctx, data, options),
        });
        matched(ctx);
        try {
          return await run(ctx);
        } catch (error) {
          return await pages!.errorPage(ctx, error);
        }
      });
    }
    for (const path of paths) {
      app.all(path, (c) =>
        c.json(
          { error: "method_not_allowed", message: `${c.req.method} is not allowed here.` },
          405,
          { allow: allowed.join(", ") },
        ));
    }
  }
}
