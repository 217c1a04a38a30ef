import { rotateAppToken } from "../../../../../lib/store/app_admin.ts";
import { apiError, json } from "../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST({ params, services }) {
    const token = await rotateAppToken(services.db, params.app);
    if (!token) throw apiError(404, "not_found", `No app with id ${JSON.stringify(params.app)}.`);
    services.appTokens.forget(params.app);
    return json({ token });
  },
};
