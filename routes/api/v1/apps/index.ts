import { newAppBody } from "../../../../lib/domain/app_input.ts";
import { createAppWithToken } from "../../../../lib/store/app_admin.ts";
import { listApps } from "../../../../lib/store/apps.ts";
import { json } from "../../../../lib/web/http_error.ts";
import { jsonBody } from "../../../../lib/web/input.ts";
import type { Handlers } from "../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST(ctx) {
    const { app, token } = await createAppWithToken(
      ctx.services.db,
      await jsonBody(ctx, newAppBody),
    );
    return json({
      id: app.id,
      name: app.name,
      timezone: app.timezone,
      token,
      created_at: app.createdAt.toISOString(),
    }, 201);
  },

  async GET(ctx) {
    const apps = await listApps(ctx.services.db);
    return json({
      apps: apps.map((app) => ({
        id: app.id,
        name: app.name,
        timezone: app.timezone,
        created_at: app.createdAt.toISOString(),
      })),
    });
  },
};
