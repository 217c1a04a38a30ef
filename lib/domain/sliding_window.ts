/**
 * Sliding-window rate limits: at most `limit` requests in any span of `windowMs`.
 *
 * Requests are counted in time buckets of `granuleMs`. While the limit is small (≤ 1000,
 * which covers every beacon) the granule is 1 ms, so the window is exact: a request is
 * refused exactly when `limit` requests were admitted in the `windowMs` before it. Larger
 * limits use at most ~1000 buckets per window; every bucket that touches the window counts
 * in full, so the limit still holds for every window (a request may be refused up to one
 * granule, a thousandth of the window, early) while memory stays bounded.
 *
 * Times are integer milliseconds. Only admitted requests are counted.
 */

export interface RatePolicy {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests still allowed right now, after this one. */
  readonly remaining: number;
  /** Milliseconds until the oldest counted request leaves the window (0: none counted). */
  readonly resetMs: number;
  /** When refused: milliseconds until a request would be admitted. 0 when allowed. */
  readonly retryAfterMs: number;
}

/** What is persisted of a window: its granule and its non-empty buckets, oldest first. */
export interface WindowSnapshot {
  /** Granule in milliseconds. */
  g: number;
  /** Pairs [bucket index, count, bucket index, count, …], bucket index = floor(t / g). */
  b: Float64Array | number[];
}

/** Above this limit buckets grow coarser than 1 ms. */
export const EXACT_LIMIT = 1000;
/** Most buckets a window is split into once the limit is above EXACT_LIMIT. */
export const MAX_BUCKETS = 1000;

export function granuleFor(policy: RatePolicy): number {
  if (policy.limit <= EXACT_LIMIT) return 1;
  return Math.max(1, Math.ceil(policy.windowMs / MAX_BUCKETS));
}

export function validPolicy(policy: RatePolicy): boolean {
  return Number.isSafeInteger(policy.limit) && policy.limit >= 1 &&
    Number.isSafeInteger(policy.windowMs) && policy.windowMs >= 1;
}

export class SlidingWindow {
  #policy: RatePolicy;
  #granule: number;
  /** Flat pairs [index, count, …] in increasing index order, live from #head on. */
  #pairs: number[] = [];
  #head = 0;
  /** Sum of the counts from #head on. */
  #total = 0;

  constructor(policy: RatePolicy, snapshot?: WindowSnapshot) {
    if (!validPolicy(policy)) throw new RangeError(`invalid rate policy ${JSON.stringify(policy)}`);
    this.#policy = policy;
    this.#granule = granuleFor(policy);
    if (snapshot) this.#restore(snapshot);
  }

  get policy(): RatePolicy {
    return this.#policy;
  }

  get granuleMs(): number {
    return this.#granule;
  }

  /**
   * Switches to another limit or window, keeping the requests already counted (moved to
   * the new granule so that none is forgotten early).
   */
  setPolicy(policy: RatePolicy): void {
    if (policy.limit === this.#policy.limit && policy.windowMs === this.#policy.windowMs) return;
    if (!validPolicy(policy)) throw new RangeError(`invalid rate policy ${JSON.stringify(policy)}`);
    const snapshot = this.#snapshotPairs();
    this.#policy = policy;
    this.#granule = granuleFor(policy);
    this.#pairs = [];
    this.#head = 0;
    this.#total = 0;
    this.#restore(snapshot);
  }

  /** Counts a request at `nowMs` if the limit allows it; refused requests are not counted. */
  hit(nowMs: number): RateDecision {
    const now = Math.floor(nowMs);
    this.#prune(now);
    const { limit } = this.#policy;
    if (this.#total >= limit) {
      return {
        allowed: false,
        limit,
        remaining: 0,
        resetMs: this.#resetMs(now),
        retryAfterMs: this.#retryAfterMs(now),
      };
    }
    const index = Math.floor(now / this.#granule);
    const last = this.#pairs.length - 2;
    if (last >= this.#head && this.#pairs[last] >= index) {
      // Same bucket (or a clock that stepped back): count it in the newest bucket.
      this.#pairs[last + 1]++;
    } else {
      this.#pairs.push(index, 1);
    }
    this.#total++;
    return {
      allowed: true,
      limit,
      remaining: Math.max(0, limit - this.#total),
      resetMs: this.#resetMs(now),
      retryAfterMs: 0,
    };
  }

  /** The decision a request at `nowMs` would get, without counting it. */
  peek(nowMs: number): RateDecision {
    const now = Math.floor(nowMs);
    this.#prune(now);
    const { limit } = this.#policy;
    const allowed = this.#total < limit;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - this.#total),
      resetMs: this.#resetMs(now),
      retryAfterMs: allowed ? 0 : this.#retryAfterMs(now),
    };
  }

  /** Requests counted in the window at `nowMs`. */
  count(nowMs: number): number {
    this.#prune(Math.floor(nowMs));
    return this.#total;
  }

  /**
   * The live buckets at `nowMs`, for persisting; empty when nothing is counted. With
   * `maxBuckets`, buckets are merged into at most that many per window (plus one), each
   * request moved to the end of its merged bucket: a restored window then holds requests up
   * to one merged bucket longer, never shorter, and the snapshot stays small.
   */
  snapshot(nowMs: number, maxBuckets?: number): WindowSnapshot {
    this.#prune(Math.floor(nowMs));
    const coarse = maxBuckets === undefined
      ? this.#granule
      : Math.max(this.#granule, Math.ceil(this.#policy.windowMs / maxBuckets));
    if (coarse === this.#granule) return this.#snapshotPairs();
    const out: number[] = [];
    const pairs = this.#pairs;
    for (let i = this.#head; i < pairs.length; i += 2) {
      const index = Math.floor(((pairs[i] + 1) * this.#granule - 1) / coarse);
      if (out.length > 0 && out[out.length - 2] === index) out[out.length - 1] += pairs[i + 1];
      else out.push(index, pairs[i + 1]);
    }
    return { g: coarse, b: Float64Array.from(out) };
  }

  /** Milliseconds from `nowMs` until everything counted has left the window. */
  expiresInMs(nowMs: number): number {
    const now = Math.floor(nowMs);
    this.#prune(now);
    if (this.#total === 0) return 0;
    return this.#leavesAt(this.#pairs[this.#pairs.length - 2]) - now;
  }

  #snapshotPairs(): WindowSnapshot {
    return { g: this.#granule, b: Float64Array.from(this.#pairs.slice(this.#head)) };
  }

  #restore(snapshot: WindowSnapshot): void {
    const { g, b } = snapshot;
    if (!Number.isSafeInteger(g) || g < 1 || b.length % 2 !== 0) return;
    for (let i = 0; i < b.length; i += 2) {
      const oldIndex = b[i], count = b[i + 1];
      if (!Number.isSafeInteger(oldIndex) || !Number.isSafeInteger(count) || count < 1) continue;
      // The bucket's last millisecond, so a request is kept at least as long as before.
      const index = Math.floor(((oldIndex + 1) * g - 1) / this.#granule);
      const last = this.#pairs.length - 2;
      if (last >= 0 && this.#pairs[last] >= index) {
        this.#pairs[last + 1] += count;
      } else {
        this.#pairs.push(index, count);
      }
      this.#total += count;
    }
  }

  /** The first instant at which bucket `index` no longer counts. */
  #leavesAt(index: number): number {
    // A bucket counts while it holds an instant of (now - windowMs, now].
    return (index + 1) * this.#granule + this.#policy.windowMs - 1;
  }

  #prune(now: number): void {
    const first = Math.floor((now - this.#policy.windowMs + 1) / this.#granule);
    const pairs = this.#pairs;
    while (this.#head < pairs.length && pairs[this.#head] < first) {
      this.#total -= pairs[this.#head + 1];
      this.#head += 2;
    }
    if (this.#head === pairs.length) {
      if (pairs.length) this.#pairs = [];
      this.#head = 0;
    } else if (this.#head >= 64 && this.#head * 2 >= pairs.length) {
      this.#pairs = pairs.slice(this.#head);
      this.#head = 0;
    }
  }

  #resetMs(now: number): number {
    return this.#total === 0 ? 0 : this.#leavesAt(this.#pairs[this.#head]) - now;
  }

  #retryAfterMs(now: number): number {
    const pairs = this.#pairs;
    let left = this.#total;
    for (let i = this.#head; i < pairs.length; i += 2) {
      left -= pairs[i + 1];
      if (left < this.#policy.limit) return this.#leavesAt(pairs[i]) - now;
    }
    return 0;
  }
}

/** Whole seconds for a header, never early: 1 ms is 1 s. */
export function headerSeconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/**
 * Rate-limit response headers: the IETF httpapi draft's `RateLimit-Limit`,
 * `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the oldest counted request leaves
 * the window, so one more request is allowed) and `RateLimit-Policy` (`<limit>;w=<window s>`),
 * plus `Retry-After` when refused.
 */
export function rateLimitHeaders(
  decision: RateDecision,
  policy: RatePolicy,
): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-limit": String(decision.limit),
    "ratelimit-remaining": String(decision.remaining),
    "ratelimit-reset": String(
      headerSeconds(decision.allowed ? decision.resetMs : decision.retryAfterMs),
    ),
    "ratelimit-policy": `${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`,
  };
  if (!decision.allowed) {
    headers["retry-after"] = String(Math.max(1, headerSeconds(decision.retryAfterMs)));
  }
  return headers;
}
