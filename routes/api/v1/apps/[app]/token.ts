import { newSecret, secretDigest } from "../../../../../lib/domain/ids.ts";
import { replaceTokenDigest } from "../../../../../lib/store/apps.ts";
import { apiError, json } from "../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST({ params, services }) {
    const token = newSecret("hs");
    const replaced = await replaceTokenDigest(services.db, params.app, secretDigest(token));
    if (!replaced) {
      throw apiError(404, "not_found", `No app with id ${JSON.stringify(params.app)}.`);
    }
    services.appTokens.forget(params.app);
    return json({ token });
  },
};
