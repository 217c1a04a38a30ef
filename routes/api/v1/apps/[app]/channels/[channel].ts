import { deleteChannel } from "../../../../../../lib/store/channels.ts";
import { appFromParams } from "../../../../../../lib/web/admin.ts";
import { apiError } from "../../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async DELETE(ctx) {
    const app = await appFromParams(ctx);
    if (!await deleteChannel(ctx.services.db, app.id, ctx.params.channel)) {
      throw apiError(404, "not_found", `No channel with id ${JSON.stringify(ctx.params.channel)}.`);
    }
    return new Response(null, { status: 204 });
  },
};
