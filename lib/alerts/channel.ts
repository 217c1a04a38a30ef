import type { z } from "zod";

/** One alert about one status change of one monitor, to one channel. */
export interface AlertMessage {
  /** `down` opens an incident; `up` is its recovery. */
  kind: "down" | "up";
  deliveryId: string;
  app: { id: string; name: string };
  monitor: { id: string; name: string; status: string; pingUrl: string | null };
  incident: { id: string; openedAt: Date; closedAt: Date | null; reason: string } | null;
  /** When the status changed and why. */
  at: Date;
  reason: string;
}

export interface SendContext {
  signal: AbortSignal;
  smtp: { url: string; from: string } | undefined;
}

/** What a send reports back on success (a failure throws). */
export interface SendResult {
  statusCode?: number;
}

/**
 * A kind of alert channel: how its settings are validated and stored, what of them the API
 * shows, and how a message is sent. A send throws on any failure; the delivery loop retries.
 */
export interface ChannelKind<Config = Record<string, unknown>> {
  readonly kind: string;
  /** Parses the settings a client sends into the stored configuration. */
  readonly input: z.ZodType<Config>;
  /** The configuration as the API shows it (secrets only when `reveal`). */
  view(config: Config, reveal: boolean): Record<string, unknown>;
  send(config: Config, message: AlertMessage, ctx: SendContext): Promise<SendResult>;
}

/** A failure with the HTTP status that caused it, when there was one. */
export class SendError extends Error {
  constructor(message: string, readonly statusCode?: number) {
    super(message);
  }
}

/** A one-line human summary of the message, for chat and email subjects. */
export function headline(m: AlertMessage): string {
  return m.kind === "down"
    ? `${m.monitor.name} (${m.app.name}) is DOWN: ${m.reason}`
    : `${m.monitor.name} (${m.app.name}) is back UP`;
}

/** A few lines of detail below the headline. */
export function details(m: AlertMessage): string {
  const lines = [`Monitor: ${m.monitor.name} (${m.monitor.id})`, `App: ${m.app.name}`];
  if (m.incident) {
    lines.push(`Incident opened: ${m.incident.openedAt.toISOString()}`);
    if (m.incident.closedAt) {
      const minutes = (m.incident.closedAt.getTime() - m.incident.openedAt.getTime()) / 60_000;
      lines.push(
        `Incident closed: ${m.incident.closedAt.toISOString()} (${minutes.toFixed(1)} min)`,
      );
    }
  }
  lines.push(`Reason: ${m.reason}`);
  if (m.monitor.pingUrl) lines.push(`Ping URL: ${m.monitor.pingUrl}`);
  return lines.join("\n");
}

/** POSTs JSON and throws SendError unless the answer is 2xx. */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Hartslag", ...headers },
      body,
      signal,
      redirect: "manual",
    });
  } catch (error) {
    if (signal.aborted) throw new SendError("timed out");
    throw new SendError(error instanceof Error ? error.message : String(error));
  }
  await res.body?.cancel();
  if (res.status < 200 || res.status > 299) {
    throw new SendError(`answered HTTP ${res.status}`, res.status);
  }
  return { statusCode: res.status };
}
