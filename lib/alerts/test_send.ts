import type { Channel } from "../store/channels.ts";
import type { AlertMessage } from "./channel.ts";
import { SendError } from "./channel.ts";
import { channelKinds } from "./mod.ts";

export interface TestSendOptions {
  timeoutMs: number;
  smtp: { url: string; from: string } | undefined;
  now: Date;
}

export type TestSendResult =
  | { ok: true; statusCode: number | null }
  | { ok: false; statusCode: number | null; error: string };

/** The message a test send carries: a recovery ("up"), so nothing reads as an outage. */
export function testMessage(app: { id: string; name: string }, now: Date): AlertMessage {
  return {
    kind: "up",
    deliveryId: `test-${crypto.randomUUID()}`,
    app: { id: app.id, name: app.name },
    monitor: { id: "test", name: "Test alert", status: "test", pingUrl: null },
    incident: null,
    at: now,
    reason: "a test sent from the Hartslag dashboard; no monitor changed status",
  };
}

/**
 * Sends a test message through the channel's own sender, once, without retries, and records
 * nothing: the answer says whether the channel works.
 */
export async function sendTestAlert(
  channel: Channel,
  app: { id: string; name: string },
  options: TestSendOptions,
): Promise<TestSendResult> {
  const kind = channelKinds[channel.kind];
  if (!kind) return { ok: false, statusCode: null, error: `unknown channel kind ${channel.kind}` };
  try {
    const result = await kind.send(channel.config as never, testMessage(app, options.now), {
      signal: AbortSignal.timeout(options.timeoutMs),
      smtp: options.smtp,
    });
    return { ok: true, statusCode: result.statusCode ?? null };
  } catch (error) {
    return {
      ok: false,
      statusCode: error instanceof SendError ? error.statusCode ?? null : null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
