import type { ChannelKind } from "./channel.ts";
import { emailChannel } from "./email.ts";
import { slackChannel } from "./slack.ts";
import { webhookChannel } from "./webhook.ts";

/** Every kind of alert channel, by its `kind`. */
export const channelKinds: Record<string, ChannelKind<never>> = {
  webhook: webhookChannel as ChannelKind<never>,
  slack: slackChannel as ChannelKind<never>,
  email: emailChannel as ChannelKind<never>,
};

export type { AlertMessage, ChannelKind, SendContext } from "./channel.ts";
