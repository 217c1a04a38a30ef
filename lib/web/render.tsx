/**
 * Page rendering: a route module's default-exported component inside routes/_app.tsx,
 * rendered to a string with preact-render-to-string. Islands used by the render get the
 * hydrate runtime and their bundles as module scripts from /_build/ (see islands.ts and
 * client_build.ts); a page without islands ships no JavaScript at all.
 */
import { type FunctionComponent, h } from "preact";
import { renderToString } from "preact-render-to-string";
import { type ClientAssets, HYDRATE_FILE } from "./client_build.ts";
import { collectIslands } from "./islands.ts";
import type { AppProps, PageProps, RenderOptions, RouteContext, RouteModule } from "./route.ts";
import { pageSecurityHeaders } from "./security.ts";

// deno-lint-ignore no-explicit-any
type Component = (props: any) => unknown;

export interface PageRendererOptions {
  /** routes/_app.tsx's default export; without one, pages get a bare document. */
  app?: Component;
  /** The island bundles; awaited only by pages that use islands. */
  assets: () => Promise<ClientAssets | undefined>;
  /** URL of the stylesheet, versioned by its content. */
  stylesheet: () => Promise<string>;
}

function BareApp({ Component, title, ...props }: AppProps) {
  const Page = Component as FunctionComponent<Omit<AppProps, "Component" | "title">>;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{title ?? "Hartslag"}</title>
      </head>
      <body>
        <Page {...props} />
      </body>
    </html>
  );
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The whole HTML document for a page, plus the islands it uses. */
export async function renderDocument(
  options: PageRendererOptions,
  page: Component,
  props: PageProps,
  title: string | undefined,
): Promise<{ html: string; islands: string[] }> {
  const App = options.app ?? BareApp;
  const stylesheet = await options.stylesheet();
  const appProps: AppProps = { ...props, Component: page, title, stylesheet };
  const { result, islands } = collectIslands(() => renderToString(h(App as never, appProps)));
  let html = `<!DOCTYPE html>${result}`;
  if (islands.length > 0) {
    const assets = await options.assets();
    if (assets) {
      const tags = [
        `<script type="module" src="${escapeAttribute(assets.url(HYDRATE_FILE))}"></script>`,
        ...islands.map((name) =>
          `<link rel="modulepreload" href="${escapeAttribute(assets.url(`${name}.js`))}">`
        ),
      ].join("");
      const end = html.lastIndexOf("</body>");
      html = end === -1 ? html + tags : html.slice(0, end) + tags + html.slice(end);
    }
  }
  return { html, islands };
}

/** The HTML response for a page route. */
export async function renderPage(
  options: PageRendererOptions,
  module: RouteModule,
  ctx: RouteContext,
  data: unknown,
  render: RenderOptions = {},
): Promise<Response> {
  if (!module.default) throw new Error(`${ctx.url.pathname} has no page component`);
  const props: PageProps = { data, url: ctx.url, params: ctx.params, state: ctx.state };
  const { html } = await renderDocument(options, module.default, props, render.title);
  const headers = pageSecurityHeaders(new Headers(render.headers));
  headers.set("content-type", "text/html; charset=utf-8");
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  return new Response(html, { status: render.status ?? 200, headers });
}
