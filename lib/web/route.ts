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
}

export type Handler = (ctx: RouteContext) => Response | Promise<Response>;
export type Handlers = Partial<Record<Method, Handler>>;
export type Middleware = (ctx: RouteContext, next: () => Promise<Response>) => Promise<Response>;

/** A file under routes/: handlers for a URL, or middleware for a folder. */
export interface RouteModule {
  handler?: Handlers;
  middleware?: Middleware | Middleware[];
  // deno-lint-ignore no-explicit-any
  default?: (props: any) => unknown;
}

export interface Manifest {
  routes: Record<string, RouteModule>;
}
