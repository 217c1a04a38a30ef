import { type PingKind, recordPing } from "../store/monitors.ts";
import { readPingBody } from "./monitors.ts";
import type { Handler, Handlers, RouteContext } from "./route.ts";

const text = (body: string, status: number) =>
  new Response(body, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "access-control-allow-origin": "*",
      "cache-control": "no-store",
    },
  });

/** What `/api/v1/hb/:id/<action>` means: start, fail, or an exit status (0 is success). */
export function pingAction(action: string): { kind: PingKind; exitStatus: number | null } | null {
  if (action === "start") return { kind: "start", exitStatus: null };
  if (action === "fail") return { kind: "fail", exitStatus: null };
  if (/^\d{1,3}$/.test(action) && Number(action) <= 255) {
    const status = Number(action);
    return { kind: status === 0 ? "success" : "fail", exitStatus: status };
  }
  return null;
}

async function ping(ctx: RouteContext, kind: PingKind, exitStatus: number | null) {
  const { services, req } = ctx;
  const { body, truncated } = req.method === "HEAD"
    ? { body: null, truncated: false }
    : await readPingBody(req);
  const rid = ctx.url.searchParams.get("rid")?.slice(0, 200) || null;
  const now = services.now();
  const outcome = await recordPing(services.db, ctx.params.id, {
    kind,
    exitStatus,
    at: now,
    source: "http",
    method: req.method,
    remoteAddr: req.headers.get("x-forwarded-for")?.split(",")[0].trim().slice(0, 100) ?? null,
    userAgent: req.headers.get("user-agent")?.slice(0, 500) ?? null,
    runId: rid,
    body,
    bodyTruncated: truncated,
  }, now);
  if (!outcome) return text("not found", 404);
  services.monitorLoop.wake(outcome.monitor.nextCheckAt);
  if (outcome.flip?.alert) services.monitorLoop.deliverSoon();
  return text("OK", 200);
}

/** The handlers of one ping URL: GET, POST and HEAD all ping. */
export function pingHandlers(action: (ctx: RouteContext) => string | undefined): Handlers {
  const handle: Handler = (ctx) => {
    const name = action(ctx);
    const what = name === undefined
      ? { kind: "success" as const, exitStatus: null }
      : pingAction(name);
    if (!what) return text("not found", 404);
    return ping(ctx, what.kind, what.exitStatus);
  };
  return { GET: handle, POST: handle, HEAD: handle };
}
