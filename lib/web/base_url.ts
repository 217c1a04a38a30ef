import type { RouteContext } from "./route.ts";

/** HARTSLAG_BASE_URL, or the origin the request came in on (honouring a proxy's headers). */
export function publicBaseUrl(ctx: RouteContext): string {
  const configured = ctx.services.config.baseUrl;
  if (configured) return configured;
  const proto = ctx.req.headers.get("x-forwarded-proto")?.split(",")[0].trim();
  const host = ctx.req.headers.get("x-forwarded-host")?.split(",")[0].trim();
  if (proto && host && /^https?$/.test(proto) && /^[\w.:[\]-]+$/.test(host)) {
    return `${proto}://${host}`;
  }
  return ctx.url.origin;
}
