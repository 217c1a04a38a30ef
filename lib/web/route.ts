import type { Logger } from "../log.ts";
import type { Services } from "../services.ts";

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type Method = (typeof METHODS)[number];

/** What every handler and middleware receives, as Fresh's context does. */
export interface RouteContext {
  readonly req: Request;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly services: Services;
  readonly requestId: string;
  readonly log: Logger;
  /** Per-request values set by middleware (the authenticated app, the operator, …). */
  readonly state: Record<string, unknown>;
  /** The client's address as the socket saw it (no proxy headers), when known. */
  readonly remoteAddr?: string;
  /**
   * A copy of a prebuilt response with `headers` and this request's X-Request-Id added, for
   * hot paths: cloning a template and setting a few headers costs less than a new Response.
   */
  reply(template: Response, headers?: Record<string, string>): Response;
  /**
   * Renders this route's page component inside routes/_app.tsx with `data` as its `data`
   * prop. Only page routes (a module with a default export) can render; elsewhere it throws.
   */
  render(data?: unknown, options?: RenderOptions): Promise<Response>;
}

export interface RenderOptions {
  status?: number;
  headers?: HeadersInit;
  /** The document title; the layout adds the service name. */
  title?: string;
}

/** What a page component receives. */
export interface PageProps<Data = unknown> {
  data: Data;
  url: URL;
  params: Readonly<Record<string, string>>;
  state: Record<string, unknown>;
}

/** What routes/_app.tsx receives: the page as `Component`, plus the page's props. */
export interface AppProps extends PageProps<unknown> {
  // deno-lint-ignore no-explicit-any
  Component: (props: any) => unknown;
  title?: string;
  /** URL of the stylesheet, versioned by its content. */
  stylesheet: string;
}

export type Handler = (ctx: RouteContext) => Response | Promise<Response>;
export type Handlers = Partial<Record<Method, Handler>>;
export type Middleware = (ctx: RouteContext, next: () => Promise<Response>) => Promise<Response>;

/** A file under routes/: handlers for a URL, or middleware for a folder. */
export interface RouteModule {
  handler?: Handlers;
  /**
   * The route also answers at its path with a trailing slash (`/api/v1/beet/` as
   * `/api/v1/beet`). Without it that path is not found: routing is strict about slashes.
   */
  trailingSlash?: boolean;
  middleware?: Middleware | Middleware[];
  // deno-lint-ignore no-explicit-any
  default?: (props: any) => unknown;
}

/** A file under islands/: its default export is hydrated in the browser. */
export interface IslandModule {
  // deno-lint-ignore no-explicit-any
  default: (props: any) => unknown;
}

export interface Manifest {
  routes: Record<string, RouteModule>;
  islands?: Record<string, IslandModule>;
}
