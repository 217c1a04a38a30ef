import { z } from "zod";
import { type AlertMessage, type ChannelKind, postJson } from "./channel.ts";
import { newSecret } from "../domain/ids.ts";

export interface WebhookConfig {
  url: string;
  secret: string;
}

const encoder = new TextEncoder();

/** Hex HMAC-SHA256 of `body` with `secret`: the `X-Hartslag-Signature-256` header's value. */
export async function signature(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The JSON body a webhook receives. */
export function webhookPayload(m: AlertMessage) {
  return {
    type: m.kind === "down" ? "monitor.down" : "monitor.up",
    delivery_id: m.deliveryId,
    at: m.at.toISOString(),
    reason: m.reason,
    app: m.app,
    monitor: {
      id: m.monitor.id,
      name: m.monitor.name,
      status: m.monitor.status,
      ping_url: m.monitor.pingUrl,
    },
    incident: m.incident && {
      id: m.incident.id,
      opened_at: m.incident.openedAt.toISOString(),
      closed_at: m.incident.closedAt?.toISOString() ?? null,
      reason: m.incident.reason,
    },
  };
}

export const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * A generic webhook: the message as JSON, signed with HMAC-SHA256 over the raw body in
 * `X-Hartslag-Signature-256: sha256=<hex>` (as GitHub signs), with a per-channel secret.
 */
export const webhookChannel: ChannelKind<WebhookConfig> = {
  kind: "webhook",
  input: z.object({
    url: httpUrl,
    secret: z.string().min(16).max(200).optional(),
  }).transform((v) => ({ url: v.url, secret: v.secret ?? newSecret("whsec") })),
  view: (config, reveal) => reveal ? { ...config } : { url: config.url },
  async send(config, message, { signal }) {
    const body = JSON.stringify(webhookPayload(message));
    return await postJson(config.url, body, {
      "x-hartslag-event": message.kind === "down" ? "monitor.down" : "monitor.up",
      "x-hartslag-delivery": message.deliveryId,
      "x-hartslag-signature-256": await signature(config.secret, body),
    }, signal);
  },
};
