import { type RateDecision, rateLimitHeaders, type RatePolicy } from "../domain/sliding_window.ts";
import type { Services } from "../services.ts";
import { json } from "./http_error.ts";

/** A request counted against its app's limit: the RateLimit headers, or the 429 to answer. */
export interface AppAdmission {
  headers?: Record<string, string>;
  refusal?: Response;
}

const unlimited: AppAdmission = {};

/**
 * Counts a request against its app's rate limit (refused requests are not counted).
 * Synchronous while the app's window is in memory, so the hot path need not wait.
 */
export function admitToApp(
  services: Services,
  appId: string,
): AppAdmission | Promise<AppAdmission> {
  const policy = services.config.rateLimits.app;
  if (!policy) return unlimited;
  const pending = services.rateLimiter.hit(`app:${appId}`, policy);
  return pending instanceof Promise
    ? pending.then((decision) => admission(services, policy, decision))
    : admission(services, policy, pending);
}

function admission(services: Services, policy: RatePolicy, decision: RateDecision): AppAdmission {
  const headers = rateLimitHeaders(decision, policy);
  if (decision.allowed) return { headers };
  services.metrics.refused.app.inc();
  return { headers, refusal: json({ error: "Too Many Requests" }, 429, headers) };
}
