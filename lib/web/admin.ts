import { timingSafeEqual } from "hono/utils/buffer";
import { type App, findApp } from "../store/apps.ts";
import { bearerToken } from "../store/app_tokens.ts";
import { apiError } from "./http_error.ts";
import type { Middleware, RouteContext } from "./route.ts";

/** Guards the management API with HARTSLAG_ADMIN_TOKEN, compared in constant time. */
export const requireAdminToken: Middleware = async (ctx, next) => {
  const expected = ctx.services.config.adminToken;
  const given = bearerToken(ctx.req.headers.get("authorization"));
  if (expected === undefined || given === undefined || !(await timingSafeEqual(given, expected))) {
    throw apiError(
      401,
      "unauthorized",
      expected === undefined
        ? "The management API is disabled: set HARTSLAG_ADMIN_TOKEN."
        : "A valid admin token is required: Authorization: Bearer <HARTSLAG_ADMIN_TOKEN>.",
    );
  }
  return await next();
};

/** The app named by the `:app` URL parameter, or a 404. */
export async function appFromParams(ctx: RouteContext): Promise<App> {
  const app = await findApp(ctx.services.db, ctx.params.app);
  if (!app) throw apiError(404, "not_found", `No app with id ${JSON.stringify(ctx.params.app)}.`);
  return app;
}
