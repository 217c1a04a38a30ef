import { z } from "zod";
import { type ChannelKind, details, headline, postJson } from "./channel.ts";
import { httpUrl } from "./webhook.ts";

export interface SlackConfig {
  url: string;
}

/** A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, …): `{"text"}`. */
export const slackChannel: ChannelKind<SlackConfig> = {
  kind: "slack",
  input: z.object({ url: httpUrl }),
  view: (config) => ({ url: config.url }),
  async send(config, message, { signal }) {
    const mark = message.kind === "down" ? ":red_circle:" : ":large_green_circle:";
    const text = `${mark} *${headline(message)}*\n${details(message)}`;
    return await postJson(config.url, JSON.stringify({ text }), {}, signal);
  },
};
