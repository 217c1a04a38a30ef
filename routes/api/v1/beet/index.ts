import type { Handlers } from "../../../../lib/web/route.ts";
import { handler as tokenHandler, pixel } from "./[token].ts";

/** `/api/v1/beet/` too: a beacon URL whose token was lost on the way is still a beacon URL. */
export const trailingSlash = true;

/**
 * A beacon URL without a token: answered as an unknown token is (the pixel, 200, the same
 * CORS and preflight), so no page sees an error and nothing tells tokens from their absence.
 */
export const handler: Handlers = {
  GET: (ctx) => pixel(ctx, 200),
  POST: (ctx) => pixel(ctx, 200),
  OPTIONS: tokenHandler.OPTIONS,
};
