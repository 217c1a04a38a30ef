import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { type Context, Hono } from "hono";
import type { Services } from "../services.ts";
import { silentLogger } from "../log.ts";
import { directHandlers, mountRoutes, type PageSupport, routePattern } from "./fs_routes.ts";
import { HttpError } from "./http_error.ts";
import type { AppProps, Manifest, PageProps, RouteContext } from "./route.ts";
import { renderPage } from "./render.tsx";

Deno.test("routePattern follows Fresh: index, [param] and (group) folders", () => {
  equal(routePattern("./routes/index.tsx"), "/");
  equal(routePattern("./routes/(dashboard)/index.tsx"), "/");
  equal(routePattern("./routes/(dashboard)/apps/[app]/index.tsx"), "/apps/:app");
  equal(routePattern("./routes/(dashboard)/apps/[app]/export.csv.ts"), "/apps/:app/export.csv");
  equal(routePattern("./routes/api/v1/apps/_middleware.ts"), "/api/v1/apps");
});

function Layout({ Component, title, stylesheet, ...props }: AppProps) {
  const Page = Component as (p: typeof props) => preact.JSX.Element;
  return (
    <html>
      <head>
        <title>{title}</title>
        <link rel="stylesheet" href={stylesheet} />
      </head>
      <body>
        <Page {...props} />
      </body>
    </html>
  );
}

function testApp(manifest: Manifest) {
  const app = new Hono();
  const context = (c: Context): RouteContext => ({
    req: c.req.raw,
    url: new URL(c.req.url),
    params: c.req.param() as Record<string, string>,
    services: {} as Services,
    requestId: "req-1",
    log: silentLogger,
    state: {},
    render: () => {
      throw new Error("not a page");
    },
    reply: (template, headers) => {
      const res = template.clone();
      for (const [name, value] of Object.entries({ ...headers, "x-request-id": "req-1" })) {
        res.headers.set(name, value);
      }
      return res;
    },
  });
  const renderer = {
    app: Layout,
    assets: () => Promise.resolve(undefined),
    stylesheet: () => Promise.resolve("/static/s.css?v=1"),
  };
  const pages: PageSupport = {
    renderer,
    errorPage: (ctx, error) =>
      renderPage(renderer, { default: () => <p>error</p> }, ctx, undefined, {
        status: error instanceof HttpError ? error.status : 500,
      }),
  };
  mountRoutes(app, manifest, context, pages);
  return app;
}

Deno.test("a page renders inside _app, with data from its handler", async () => {
  const app = testApp({
    routes: {
      "./routes/hello/[name].tsx": {
        handler: { GET: (ctx) => ctx.render({ greeting: "Hi" }, { title: "Hello" }) },
        default: ({ data, params }: PageProps<{ greeting: string }>) => (
          <h1>{data.greeting}, {params.name}</h1>
        ),
      },
      "./routes/plain.tsx": { default: () => <p>no handler</p> },
    },
  });
  let res = await app.request("/hello/%3Cb%3E");
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  ok(res.headers.get("content-security-policy")!.includes("script-src 'self'"));
  equal(
    await res.text(),
    '<!DOCTYPE html><html><head><title>Hello</title><link rel="stylesheet" href="/static/s.css?v=1"/></head><body><h1>Hi, &lt;b></h1></body></html>',
  );
  res = await app.request("/plain");
  ok((await res.text()).includes("<p>no handler</p>"));
});

Deno.test("group middleware wraps only its group's routes; page errors render a page", async () => {
  const seen: string[] = [];
  const app = testApp({
    routes: {
      "./routes/(private)/_middleware.ts": {
        middleware: async (ctx, next) => {
          seen.push(ctx.url.pathname);
          if (ctx.url.searchParams.has("deny")) return new Response("denied", { status: 403 });
          ctx.state.who = "op";
          return await next();
        },
      },
      "./routes/(private)/inside.tsx": {
        default: ({ state }: PageProps) => <p>inside {String(state.who)}</p>,
      },
      "./routes/(private)/data.ts": { handler: { GET: () => new Response("data") } },
      "./routes/outside.ts": { handler: { GET: () => new Response("outside") } },
      "./routes/broken.tsx": {
        handler: {
          GET: () => {
            throw new HttpError(404, { error: "not_found", message: "gone" });
          },
        },
        default: () => <p>never</p>,
      },
    },
  });
  ok((await (await app.request("/inside")).text()).includes("inside op"));
  equal(await (await app.request("/data")).text(), "data");
  equal(await (await app.request("/outside")).text(), "outside");
  equal((await app.request("/inside?deny")).status, 403);
  equal(seen, ["/inside", "/data", "/inside"]);
  const broken = await app.request("/broken");
  equal(broken.status, 404);
  ok((await broken.text()).includes("<p>error</p>"));
});

Deno.test("a route answers with a trailing slash only when it says so", async () => {
  const manifest: Manifest = {
    routes: {
      "./routes/pixel/index.ts": {
        trailingSlash: true,
        handler: { GET: () => new Response("pixel"), POST: () => new Response("posted") },
      },
      "./routes/strict/index.ts": { handler: { GET: () => new Response("strict") } },
    },
  };
  const app = testApp(manifest);
  for (const path of ["/pixel", "/pixel/"]) {
    equal(await (await app.request(path)).text(), "pixel", path);
    equal(await (await app.request(path, { method: "POST" })).text(), "posted", path);
    const refused = await app.request(path, { method: "DELETE" });
    equal(refused.status, 405, path);
    equal(refused.headers.get("allow"), "GET, HEAD, POST");
  }
  equal(await (await app.request("/strict")).text(), "strict");
  equal((await app.request("/strict/")).status, 404);
  equal(
    [...directHandlers(manifest)].map(([key, { pattern }]) => `${key} → ${pattern}`),
    [
      "GET /pixel → /pixel",
      "POST /pixel → /pixel",
      "GET /pixel/ → /pixel",
      "POST /pixel/ → /pixel",
      "GET /strict → /strict",
    ],
  );
});

Deno.test("a route whose only parameter is its last segment skips the router unless it shares paths", () => {
  const handler = { GET: () => new Response("ok") };
  const manifest: Manifest = {
    routes: {
      "./routes/beet/index.ts": { handler },
      "./routes/beet/[token].ts": { handler: { ...handler, POST: () => new Response("hit") } },
      "./routes/items/[id].ts": { handler },
      "./routes/items/new.ts": { handler },
      "./routes/a/[x]/b.ts": { handler },
      "./routes/apps/_middleware.ts": { middleware: (_ctx, next) => next() },
      "./routes/apps/[app].ts": { handler },
    },
  };
  equal(
    [...directHandlers(manifest)].map(([key, { pattern, param }]) =>
      `${key} → ${pattern}${param ? ` (${param})` : ""}`
    ),
    [
      "GET /beet → /beet",
      "GET /beet/* → /beet/:token (token)",
      "POST /beet/* → /beet/:token (token)",
      "GET /items/new → /items/new",
    ],
  );
});
