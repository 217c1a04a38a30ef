/**
 * Dashboard sign-in state: the session cookie, the CSRF checks every form goes through, and
 * the middleware that guards the dashboard's pages. Only page routes use this; the JSON
 * APIs authenticate with bearer tokens and never read the cookie.
 */
import { timingSafeEqual } from "hono/utils/buffer";
import { findSession, type Operator, type Session } from "../store/operators.ts";
import { publicBaseUrl } from "./base_url.ts";
import { HttpError } from "./http_error.ts";
import { readBodyCapped } from "./request_body.ts";
import type { Middleware, RouteContext } from "./route.ts";

export const SESSION_COOKIE = "hartslag_session";
/** Double-submit token for the sign-in form, before there is a session to hold one. */
export const SIGN_IN_CSRF_COOKIE = "hartslag_signin";
export const CSRF_FIELD = "_csrf";

const FORM_LIMIT = 64 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the browser reached us over HTTPS (directly or through a proxy that says so). */
export function isHttps(ctx: RouteContext): boolean {
  return ctx.url.protocol === "https:" || publicBaseUrl(ctx).startsWith("https:");
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS. */
export function cookie(
  ctx: RouteContext,
  name: string,
  value: string,
  maxAgeSeconds: number,
): string {
  const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  parts.push(`Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`);
  if (isHttps(ctx)) parts.push("Secure");
  return parts.join("; ");
}

const forbidden = (message: string) => new HttpError(403, { error: "forbidden", message });

/**
 * Rejects cross-site form posts: a browser's Sec-Fetch-Site or Origin must name this site.
 * (Requests from non-browsers carry neither and still need the CSRF token.)
 */
export function assertSameOrigin(ctx: RouteContext): void {
  const site = ctx.req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    throw forbidden("This form was sent from another site.");
  }
  const origin = ctx.req.headers.get("origin");
  if (origin && origin !== ctx.url.origin && origin !== publicBaseUrl(ctx)) {
    throw forbidden("This form was sent from another site.");
  }
}

/** The submitted form (urlencoded), read once and kept in `ctx.state.form`. */
export async function readForm(ctx: RouteContext): Promise<URLSearchParams> {
  const cached = ctx.state.form;
  if (cached instanceof URLSearchParams) return cached;
  const type = ctx.req.headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) {
    throw new HttpError(415, { error: "unsupported", message: "Send the form as a web form." });
  }
  const bytes = await readBodyCapped(ctx.req, FORM_LIMIT);
  const form = new URLSearchParams(new TextDecoder().decode(bytes));
  ctx.state.form = form;
  return form;
}

export async function checkCsrf(ctx: RouteContext, expected: string): Promise<void> {
  assertSameOrigin(ctx);
  const given = (await readForm(ctx)).get(CSRF_FIELD) ?? "";
  if (!given || !(await timingSafeEqual(given, expected))) {
    throw forbidden("This form has expired. Go back, reload the page and try again.");
  }
}

export function redirect(location: string, headers: HeadersInit = {}): Response {
  const response = new Response(null, { status: 303, headers });
  response.headers.set("location", location);
  response.headers.set("cache-control", "no-store");
  return response;
}

/** A same-site path to return to after signing in; anything else is the overview. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : "/";
}

/** The signed-in session, or undefined. */
export async function currentSession(ctx: RouteContext): Promise<Session | undefined> {
  if (ctx.state.session) return ctx.state.session as Session;
  const token = readCookie(ctx.req, SESSION_COOKIE);
  if (!token || !/^hss_[0-9a-z]{20,80}$/.test(token)) return undefined;
  const session = await findSession(ctx.services.db, token, ctx.services.now());
  if (session) ctx.state.session = session;
  return session;
}

/**
 * Guards a folder of dashboard pages: without a session, a redirect to the sign-in page;
 * with one, the operator in `ctx.state`, and every unsafe request must carry the session's
 * CSRF token in its form and come from this site.
 */
export const requireOperator: Middleware = async (ctx, next) => {
  const session = await currentSession(ctx);
  if (!session) {
    const back = SAFE_METHODS.has(ctx.req.method) ? ctx.url.pathname + ctx.url.search : "/";
    return redirect(back === "/" ? "/login" : `/login?next=${encodeURIComponent(back)}`);
  }
  if (!SAFE_METHODS.has(ctx.req.method)) await checkCsrf(ctx, session.csrfToken);
  return await next();
};

/** The operator a guarded page runs for. */
export function operatorOf(state: Record<string, unknown>): Operator {
  const session = state.session as Session | undefined;
  if (!session) throw new Error("no session: is this page behind requireOperator?");
  return session.operator;
}

export function csrfTokenOf(state: Record<string, unknown>): string {
  return (state.session as Session | undefined)?.csrfToken ?? String(state.csrf ?? "");
}
