import type { Kysely } from "kysely";
import { secretDigest } from "../domain/ids.ts";
import type { RatePolicy } from "../domain/sliding_window.ts";
import { type Beacon, findBeaconByTokenDigest } from "./beacons.ts";
import type { Schema } from "./schema.ts";

/** A beacon as the ingestion path needs it: who it is and the limit that applies. */
export interface ActiveBeacon {
  beacon: Beacon;
  /** One object per beacon, so the limiter sees the same policy on every hit. */
  policy: RatePolicy;
}

interface Entry {
  active: ActiveBeacon | undefined;
  expiresAt: number;
}

/**
 * Beacon token → beacon, cached by the token's digest as AppTokens does for apps. Unknown
 * tokens are cached briefly too. `forget` drops a beacon's entry at once when its token is
 * rotated or the beacon deleted.
 */
export class BeaconTokens {
  #byDigest = new Map<string, Entry>();
  #digestByBeacon = new Map<string, string>();
  /** Bumped by forget(): a lookup that raced a rotation is not cached. */
  #generation = 0;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly defaultPolicy: RatePolicy,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(token: string): Promise<ActiveBeacon | undefined> {
    const digest = await secretDigest(token);
    const cached = this.#byDigest.get(digest);
    if (cached && cached.expiresAt > this.now()) return cached.active;
    const generation = this.#generation;
    const beacon = await findBeaconByTokenDigest(this.db, digest);
    let active: ActiveBeacon | undefined;
    if (beacon) {
      const previous = cached?.active;
      const policy = beacon.limit
        ? { limit: beacon.limit.count, windowMs: beacon.limit.windowS * 1000 }
        : this.defaultPolicy;
      active = {
        beacon,
        policy: previous && samePolicy(previous.policy, policy) ? previous.policy : policy,
      };
    }
    if (generation !== this.#generation) return active;
    if (this.#byDigest.size >= this.maxEntries) {
      this.#byDigest.clear();
      this.#digestByBeacon.clear();
    }
    this.#byDigest.set(digest, { active, expiresAt: this.now() + this.ttlMs });
    if (beacon) this.#digestByBeacon.set(beacon.id, digest);
    return active;
  }

  forget(beaconId: string): void {
    this.#generation++;
    const digest = this.#digestByBeacon.get(beaconId);
    if (digest !== undefined) this.#byDigest.delete(digest);
    this.#digestByBeacon.delete(beaconId);
  }
}

function samePolicy(a: RatePolicy, b: RatePolicy): boolean {
  return a.limit === b.limit && a.windowMs === b.windowMs;
}
