import { type CheckIn, parseCheckInLines, readCheckIn } from "../domain/checkins.ts";
import { newId } from "../domain/ids.ts";
import type { App } from "../store/apps.ts";
import { bearerToken } from "../store/app_tokens.ts";
import { alreadyCheckedIn } from "../store/checkins.ts";
import { WriteUnavailable } from "../store/group_writer.ts";
import { lockMonitorsByName, type PingOutcome, recordPingByName } from "../store/monitors.ts";
import { admitToApp } from "./app_limit.ts";
import { json } from "./http_error.ts";
import { readBodyCapped } from "./request_body.ts";
import type { Handler, RouteContext } from "./route.ts";

const NDJSON_LIMIT = 1024 * 1024;

/** The app whose token is the `api_key` parameter (or a bearer token), if any. */
async function checkInApp(ctx: RouteContext): Promise<App | undefined> {
  const token = ctx.url.searchParams.get("api_key") ??
    bearerToken(ctx.req.headers.get("authorization"));
  if (!token) return undefined;
  const found = ctx.services.appTokens.authenticate(token);
  return found instanceof Promise ? await found : found;
}

/**
 * Records each check-in as a ping of the app's monitor of that name, in order, in one
 * transaction: a request's check-ins are stored together or not at all. When the database
 * fails on the way, nothing of the request is kept and the client is told to retry (503).
 */
async function record(ctx: RouteContext, app: App, checkIns: CheckIn[]): Promise<void> {
  const { services } = ctx;
  const userAgent = ctx.req.headers.get("user-agent")?.slice(0, 500) ?? null;
  let outcomes: PingOutcome[];
  try {
    outcomes = await services.db.transaction().execute(async (trx) => {
      // The monitors are locked (in name order) before anything is read: concurrent requests
      // naming them in other orders cannot deadlock, and a retry racing its original sees
      // the original's run once it may go on, so an id is stored once.
      await lockMonitorsByName(
        trx,
        app.id,
        checkIns.map((c) => c.name),
        services.now(),
        () => newId("mon"),
      );
      const recorded: PingOutcome[] = [];
      for (const checkIn of checkIns) {
        if (await alreadyCheckedIn(trx, app.id, checkIn)) continue;
        const now = services.now();
        recorded.push(
          await recordPingByName(
            trx,
            app.id,
            checkIn.name,
            {
              kind: checkIn.kind === "start" ? "start" : "success",
              at: checkIn.at ?? now,
              source: "checkin",
              method: ctx.req.method,
              userAgent,
              runId: checkIn.runId,
            },
            now,
            () => newId("mon"),
          ),
        );
      }
      return recorded;
    });
  } catch (error) {
    ctx.log.log("error", "check-ins not recorded", { error, checkIns: checkIns.length });
    throw new WriteUnavailable(
      "The check-ins could not be stored; none of this request was kept. Try again.",
    );
  }
  // Only once they are committed: the sweep must not act on pings that were rolled back.
  for (const outcome of outcomes) {
    services.monitorLoop.wake(outcome.monitor.nextCheckAt);
    if (outcome.flip?.alert) services.monitorLoop.deliverSoon();
  }
}

/**
 * An AppSignal-compatible check-in endpoint: authenticate by `api_key`, count against the
 * app's rate limit, read the check-ins (all of them valid, or none stored), record them.
 */
export function checkInHandler(
  read: (ctx: RouteContext) => Promise<CheckIn[] | Response>,
): Handler {
  return async (ctx) => {
    const app = await checkInApp(ctx);
    if (!app) return json({ error: "Unauthorized" }, 401);
    const admission = await admitToApp(ctx.services, app.id);
    if (admission.refusal) return admission.refusal;
    const checkIns = await read(ctx);
    if (checkIns instanceof Response) return checkIns;
    await record(ctx, app, checkIns);
    return json({ accepted: checkIns.length }, 200, admission.headers);
  };
}

const invalid = (message: string, line?: number) =>
  json(
    line === undefined
      ? { error: "validation_failed", message }
      : { error: "validation_failed", message: `line ${line}: ${message}`, line },
    422,
  );

/** One check-in from URL parameters: heartbeat, id, timestamp (or the docs' "timetamp"), kind. */
export function checkInFromParams(ctx: RouteContext): Promise<CheckIn[] | Response> {
  const params = ctx.url.searchParams;
  const result = readCheckIn({
    name: params.get("heartbeat") ?? undefined,
    id: params.get("id") || undefined,
    timestamp: params.get("timestamp") ?? params.get("timetamp") ?? undefined,
    kind: params.get("kind") ?? undefined,
  });
  return Promise.resolve(
    result.ok ? [result.checkIn] : invalid(result.message.replace(/^name/, "heartbeat")),
  );
}

/** Check-ins from an NDJSON body; a bad line fails the whole request, naming the line. */
export async function checkInsFromLines(ctx: RouteContext): Promise<CheckIn[] | Response> {
  const bytes = await readBodyCapped(ctx.req, NDJSON_LIMIT);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return invalid("the body is not valid UTF-8");
  }
  const parsed = parseCheckInLines(text);
  return parsed.ok ? parsed.checkIns : invalid(parsed.message, parsed.line);
}
