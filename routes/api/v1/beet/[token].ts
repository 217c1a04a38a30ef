import {
  BEACON_BODY_LIMIT,
  beaconTokenShape,
  beaconValueFromBody,
  beaconValueFromQuery,
} from "../../../../lib/domain/beacon_input.ts";
import { rateLimitHeaders } from "../../../../lib/domain/sliding_window.ts";
import { WriteUnavailable } from "../../../../lib/store/group_writer.ts";
import { readBodyCapped } from "../../../../lib/web/request_body.ts";
import type { Handlers, RouteContext } from "../../../../lib/web/route.ts";

/** The 1×1 transparent GIF every answer carries (42 bytes). */
export const PIXEL = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"),
  (c) => c.charCodeAt(0),
);

const EXPOSED =
  "Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy";

/** The two answers, built once: a copy with a few headers set is far cheaper than a new one. */
const answers = {
  200: pixelResponse(200),
  429: pixelResponse(429),
};

function pixelResponse(status: 200 | 429): Response {
  return new Response(PIXEL, {
    status,
    headers: {
      "content-type": "image/gif",
      "cache-control": "no-store",
      "cross-origin-resource-policy": "cross-origin",
      "x-content-type-options": "nosniff",
      // Without an Origin (an <img>, a server) any origin will do; one is set per request.
      "access-control-allow-origin": "*",
    },
  });
}

/**
 * The pixel with CORS for pages on any origin: the answer is a public pixel and the token is
 * the only credential, so the origin is echoed (credentialed `sendBeacon` and `fetch` work
 * too).
 */
export function pixel(
  ctx: RouteContext,
  status: 200 | 429,
  extra?: Record<string, string>,
): Response {
  const origin = ctx.req.headers.get("origin");
  if (origin === null) return ctx.reply(answers[status], extra);
  const cors = {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": EXPOSED,
    vary: "Origin",
  };
  return ctx.reply(answers[status], extra ? { ...cors, ...extra } : cors);
}

async function readValue(ctx: RouteContext): Promise<number | null> {
  const { req } = ctx;
  if (req.method !== "POST") return beaconValueFromQuery(ctx.url.searchParams.get("value"));
  try {
    const declared = req.headers.get("content-length");
    if (declared === "0") return null;
    let text: string;
    if (declared !== null && Number(declared) <= BEACON_BODY_LIMIT) {
      text = await req.text();
    } else {
      // Chunked or large: read at most the limit (a larger body throws and is ignored).
      text = new TextDecoder().decode(await readBodyCapped(req, BEACON_BODY_LIMIT));
    }
    return text.length === 0 ? null : beaconValueFromBody(text);
  } catch {
    // Too large or cut off: the hit counts without a value.
    return null;
  }
}

/**
 * A beacon hit. Whatever happens — unknown token, junk body, database down, a bug — the
 * answer is the same pixel with 200, except 429 over the beacon's limit; a HEAD records
 * nothing. Unknown tokens get no rate-limit headers, so they look like known ones.
 */
async function hit(ctx: RouteContext): Promise<Response> {
  const { req, params, services } = ctx;
  try {
    // A HEAD (answered without its body) records nothing.
    if (req.method === "HEAD" || !beaconTokenShape.test(params.token)) return pixel(ctx, 200);
    // Start reading the body at once: the runtime's fast body path is lost after an await.
    const value = readValue(ctx);
    const found = services.beaconTokens.authenticate(params.token);
    const active = found instanceof Promise ? await found : found;
    if (!active) return pixel(ctx, 200);
    const { beacon, policy } = active;
    const pending = services.rateLimiter.hit(`beacon:${beacon.id}`, policy);
    const decision = pending instanceof Promise ? await pending : pending;
    if (!decision.allowed) {
      services.metrics.refused.beacon.inc();
      return pixel(ctx, 429, rateLimitHeaders(decision, policy));
    }
    await services.eventWriter.write({
      appId: beacon.appId,
      event: beacon.name,
      weight: 1n,
      userId: null,
      createdAt: services.now(),
      value: await value,
    });
  } catch (error) {
    const level = error instanceof WriteUnavailable ? "warn" : "error";
    ctx.log.log(level, "beacon hit not recorded", { error });
  }
  return pixel(ctx, 200);
}

export const handler: Handlers = {
  GET: hit,
  POST: hit,
  OPTIONS({ req }) {
    const origin = req.headers.get("origin");
    const headers: Record<string, string> = {
      "access-control-allow-origin": origin ?? "*",
      ...(origin === null ? {} : { "access-control-allow-credentials": "true", vary: "Origin" }),
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": req.headers.get("access-control-request-headers") ??
        "content-type",
      "access-control-max-age": "86400",
      "cache-control": "no-store",
    };
    if (req.headers.get("access-control-request-private-network") === "true") {
      headers["access-control-allow-private-network"] = "true";
    }
    return new Response(null, { status: 204, headers });
  },
};
