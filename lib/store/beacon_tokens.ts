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

export interface BeaconTokensOptions {
  /** How long a known token is trusted before it is looked up again (±20%, spread out). */
  knownTtlMs?: number;
  /** How long an unknown token is remembered as unknown. */
  unknownTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Beacon token → beacon, cached by the token itself as AppTokens does for apps (the digest
 * is computed only for the database lookup). Rotation
 * and deletion go through this process and `forget` the beacon at once, so known tokens
 * can be trusted for a minute: a page with thousands of beacons then costs a few lookups a
 * second, not one per beacon every few seconds. Unknown tokens are remembered briefly, and
 * concurrent first requests for a token share one lookup.
 */
export class BeaconTokens {
  #byToken = new Map<string, Entry>();
  #tokenByBeacon = new Map<string, string>();
  #pending = new Map<string, Promise<ActiveBeacon | undefined>>();
  /** Bumped by forget(): a lookup that raced a rotation is not cached. */
  #generation = 0;
  readonly #knownTtlMs: number;
  readonly #unknownTtlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly defaultPolicy: RatePolicy,
    options: BeaconTokensOptions = {},
  ) {
    this.#knownTtlMs = options.knownTtlMs ?? 60_000;
    this.#unknownTtlMs = options.unknownTtlMs ?? 5_000;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** The token's beacon; synchronous while the answer is cached, so the hot path need not wait. */
  authenticate(token: string): ActiveBeacon | undefined | Promise<ActiveBeacon | undefined> {
    const cached = this.#byToken.get(token);
    if (cached && cached.expiresAt > this.#now()) return cached.active;
    let pending = this.#pending.get(token);
    if (!pending) {
      pending = this.#lookUp(token, cached?.active).finally(() => this.#pending.delete(token));
      this.#pending.set(token, pending);
    }
    return pending;
  }

  async #lookUp(token: string, previous: ActiveBeacon | undefined) {
    const generation = this.#generation;
    const beacon = await findBeaconByTokenDigest(this.db, secretDigest(token));
    let active: ActiveBeacon | undefined;
    if (beacon) {
      const policy = beacon.limit
        ? { limit: beacon.limit.count, windowMs: beacon.limit.windowS * 1000 }
        : this.defaultPolicy;
      active = {
        beacon,
        policy: previous && samePolicy(previous.policy, policy) ? previous.policy : policy,
      };
    }
    if (generation !== this.#generation) return active;
    if (this.#byToken.size >= this.#maxEntries) {
      this.#byToken.clear();
      this.#tokenByBeacon.clear();
    }
    const ttl = active ? this.#knownTtlMs * (0.8 + 0.4 * Math.random()) : this.#unknownTtlMs;
    this.#byToken.set(token, { active, expiresAt: this.#now() + ttl });
    if (beacon) this.#tokenByBeacon.set(beacon.id, token);
    return active;
  }

  /** Drops a beacon's cached token at once (rotated or deleted). */
  forget(beaconId: string): void {
    this.#generation++;
    const token = this.#tokenByBeacon.get(beaconId);
    if (token !== undefined) this.#byToken.delete(token);
    this.#tokenByBeacon.delete(beaconId);
  }
}

function samePolicy(a: RatePolicy, b: RatePolicy): boolean {
  return a.limit === b.limit && a.windowMs === b.windowMs;
}
