import type { Context, Hono } from "hono";
import {
  type Handlers,
  type Manifest,
  METHODS,
  type Middleware,
  type RouteContext,
} from "./route.ts";

/**
 * Turns a routes/ file path into a URL pattern as Fresh does: `index` is the folder itself,
 * `[name]` is a parameter; `_middleware` applies to its folder and everything below.
 */
export function routePattern(file: string): string {
  const segments = file.replace(/^\.\/routes\//, "").replace(/\.(tsx?|jsx?)$/, "").split("/");
  if (segments.at(-1) === "index" || segments.at(-1) === "_middleware") segments.pop();
  const path = segments.map((s) => s.replace(/^\[(\w+)\]$/, ":$1")).join("/");
  return `/${path}`;
}

export type ContextFactory = (c: Context) => RouteContext;

/** Registers every route and middleware of the manifest on `app`. */
export function mountRoutes(app: Hono, manifest: Manifest, context: ContextFactory): void {
  const entries = Object.entries(manifest.routes).sort(([a], [b]) => a.localeCompare(b));
  for (const [file, module] of entries) {
    if (!file.endsWith("/_middleware.ts") || !module.middleware) continue;
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
    const handlers: Handlers = module.handler ?? {};
    const pattern = routePattern(file);
    const allowed = METHODS.filter((m) => handlers[m] || (m === "HEAD" && handlers.GET));
    for (const method of METHODS) {
      const handle = handlers[method];
      if (handle) app.on(method, pattern, (c) => handle(context(c)));
    }
    app.all(pattern, (c) =>
      c.json(
        { error: "method_not_allowed", message: `${c.req.method} is not allowed here.` },
        405,
        { allow: allowed.join(", ") },
      ));
  }
}
