import { IDEMPOTENCY_RETENTION_MS } from "../domain/idempotency.ts";
import type { Services } from "../services.ts";
import { pruneIdempotencyKeys } from "../store/events.ts";

/** Forgets Idempotency-Keys older than the retention (48 h: the promise is 24 h). */
export async function pruneOldIdempotencyKeys(services: Services): Promise<void> {
  try {
    const before = new Date(Date.now() - IDEMPOTENCY_RETENTION_MS);
    const pruned = await pruneIdempotencyKeys(services.db, before);
    if (pruned > 0) services.log.log("info", "idempotency keys pruned", { pruned });
  } catch (error) {
    services.log.log("error", "pruning idempotency keys failed", { error });
  }
}
