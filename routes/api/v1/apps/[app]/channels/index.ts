import { channelKinds } from "../../../../../../lib/alerts/mod.ts";
import { newId } from "../../../../../../lib/domain/ids.ts";
import { newChannelBody } from "../../../../../../lib/domain/monitor_input.ts";
import { type Channel, insertChannel, listChannels } from "../../../../../../lib/store/channels.ts";
import { appFromParams } from "../../../../../../lib/web/admin.ts";
import { apiError, json } from "../../../../../../lib/web/http_error.ts";
import { jsonBody, parseOr422 } from "../../../../../../lib/web/input.ts";
import type { Handlers } from "../../../../../../lib/web/route.ts";

function channelJson(channel: Channel, reveal: boolean) {
  const kind = channelKinds[channel.kind];
  return {
    id: channel.id,
    kind: channel.kind,
    ...(kind ? kind.view(channel.config as never, reveal) : {}),
    created_at: channel.createdAt.toISOString(),
  };
}

export const handler: Handlers = {
  async POST(ctx) {
    const app = await appFromParams(ctx);
    const { kind: kindName, ...settings } = await jsonBody(ctx, newChannelBody);
    const kind = channelKinds[kindName];
    if (!kind) {
      throw apiError(
        422,
        "validation_failed",
        `kind: must be one of ${Object.keys(channelKinds).join(", ")}`,
      );
    }
    if (kindName === "email" && !ctx.services.config.monitors.smtpUrl) {
      throw apiError(
        422,
        "validation_failed",
        "kind: email needs HARTSLAG_SMTP_URL and HARTSLAG_SMTP_FROM on the server",
      );
    }
    const config = parseOr422(kind.input, settings) as Record<string, unknown>;
    const channel = await insertChannel(ctx.services.db, app.id, {
      id: newId("chn"),
      kind: kindName,
      config,
    });
    // The webhook's signing secret is shown in this answer only.
    return json(channelJson(channel, true), 201);
  },

  async GET(ctx) {
    const app = await appFromParams(ctx);
    const channels = await listChannels(ctx.services.db, app.id);
    return json({ channels: channels.map((c) => channelJson(c, false)) });
  },
};
