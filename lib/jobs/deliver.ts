import type { Kysely } from "kysely";
import type { AlertMessage } from "../alerts/channel.ts";
import { SendError } from "../alerts/channel.ts";
import { channelKinds } from "../alerts/mod.ts";
import type { Logger } from "../log.ts";
import { claimDeliveries, type ClaimedDelivery, settleDelivery } from "../store/deliveries.ts";
import type { Schema } from "../store/schema.ts";

export interface DeliveryOptions {
  /** Who holds a claim: one id per running instance. */
  instance: string;
  timeoutMs: number;
  retryMs: number;
  maxAttempts: number;
  smtp: { url: string; from: string } | undefined;
  /** The public base URL for ping URLs in messages, when configured. */
  baseUrl: string | undefined;
  /** Deliveries claimed at once. */
  batchSize?: number;
  /** Told of every attempt's outcome (for metrics). */
  onAttempt?: (channel: string, outcome: "delivered" | "retried" | "failed") => void;
}

const MAX_BACKOFF_MS = 3_600_000;

/** When the next attempt after `attempt` failed attempts may run; null once given up. */
export function retryAt(now: Date, attempt: number, options: DeliveryOptions): Date | null {
  if (attempt >= options.maxAttempts) return null;
  const wait = Math.min(MAX_BACKOFF_MS, options.retryMs * 2 ** (attempt - 1));
  return new Date(now.getTime() + wait);
}

function messageOf(d: ClaimedDelivery, baseUrl: string | undefined): AlertMessage {
  return {
    kind: d.kind,
    deliveryId: d.id,
    app: { id: d.appId, name: d.appName },
    monitor: {
      id: d.monitorId,
      name: d.monitorName,
      status: d.monitorStatus,
      pingUrl: baseUrl ? `${baseUrl}/api/v1/hb/${d.monitorId}` : null,
    },
    incident: d.incident,
    at: d.at,
    reason: d.reason,
  };
}

async function sendOne(
  db: Kysely<Schema>,
  d: ClaimedDelivery,
  now: () => Date,
  options: DeliveryOptions,
  log: Logger,
  stop: AbortSignal,
): Promise<boolean> {
  const started = now();
  const t0 = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  const kind = channelKinds[d.channelKind];
  try {
    if (!kind) throw new SendError(`unknown channel kind ${d.channelKind}`);
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), stop]);
    const result = await kind.send(d.channelConfig as never, messageOf(d, options.baseUrl), {
      signal,
      smtp: options.smtp,
    });
    statusCode = result.statusCode ?? null;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    statusCode = e instanceof SendError ? e.statusCode ?? null : null;
  }
  // Stopping mid-send leaves the claim to expire: another instance (or this one, restarted)
  // retries it, so an alert is never lost to a shutdown.
  if (stop.aborted) return false;
  const finished = now();
  const ok = error === null;
  const next = ok ? null : retryAt(finished, d.attempt, options);
  await settleDelivery(
    db,
    d,
    options.instance,
    {
      startedAt: started,
      durationMs: performance.now() - t0,
      ok,
      statusCode,
      error,
    },
    next,
    finished,
  );
  options.onAttempt?.(d.channelKind, ok ? "delivered" : next ? "retried" : "failed");
  if (!ok) {
    log.log(
      next ? "warn" : "error",
      next ? "alert delivery failed, will retry" : "alert given up",
      {
        delivery: d.id,
        channel: d.channelKind,
        attempt: d.attempt,
        error,
      },
    );
  }
  return ok;
}

/**
 * Claims the deliveries that are due and sends them concurrently, recording every attempt;
 * repeats while there are more. Returns how many attempts were made.
 */
export async function deliverDue(
  db: Kysely<Schema>,
  now: () => Date,
  options: DeliveryOptions,
  log: Logger,
  stop: AbortSignal = new AbortController().signal,
): Promise<number> {
  const batchSize = options.batchSize ?? 50;
  const leaseMs = options.timeoutMs * 2 + 5_000;
  let attempts = 0;
  while (!stop.aborted) {
    const claimed = await claimDeliveries(db, options.instance, now(), leaseMs, batchSize);
    if (claimed.length === 0) break;
    attempts += claimed.length;
    await Promise.all(claimed.map((d) => sendOne(db, d, now, options, log, stop)));
    if (claimed.length < batchSize) break;
  }
  return attempts;
}
