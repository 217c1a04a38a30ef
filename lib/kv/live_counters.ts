/** KV keys of the live counters: an app's total (watch this one), and each of its events. */
export const liveKeys = {
  appTotal: (appId: string): Deno.KvKey => ["live_total", appId],
  events: (appId: string): Deno.KvKey => ["live", appId],
  event: (appId: string, event: string): Deno.KvKey => ["live", appId, event],
};

const MUTATIONS_PER_ATOMIC = 500;

export interface LiveCounterIntervals {
  /** How often app totals (the keys pages watch) are written. */
  totalsMs: number;
  /**
   * How often per-event counts are written, at most. Longer: with many event names (one per
   * beacon) each flush writes a KV key per name, so rarer flushes fold more events into each.
   */
  eventsMs: number;
  /**
   * Per-event keys written a second, about, once names are many: after a flush of n keys the
   * next waits n / eventKeysPerSecond seconds if that is longer (default 2,000)…
   */
  eventKeysPerSecond?: number;
  /** …but never longer than this (default 5 s). */
  maxEventsMs?: number;
}

/**
 * Counts of committed events per app and event in Deno KV, for pages that watch them.
 * Increments accumulate in memory and are written in batched atomic sums, one flush at a
 * time, so KV's per-operation cost never reaches the ingestion path.
 */
export class LiveCounters {
  /** app → increments of its total not yet in KV. */
  #pendingTotals = new Map<string, number>();
  /** app → event → increments not yet in KV (numbers: a flush's worth never nears 2^53). */
  #pendingEvents = new Map<string, Map<string, number>>();
  #eventsFlushedAt = performance.now();
  /** The wait before the next per-event flush, set by the size of the last one. */
  #eventsWaitMs: number;
  #flushing: Promise<void> | undefined;
  #flushAll = false;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly intervals: LiveCounterIntervals = { totalsMs: 100, eventsMs: 1000 },
  ) {
    this.#eventsWaitMs = intervals.eventsMs;
  }

  add(appId: string, event: string, count = 1): void {
    this.#pendingTotals.set(appId, (this.#pendingTotals.get(appId) ?? 0) + count);
    let events = this.#pendingEvents.get(appId);
    if (!events) this.#pendingEvents.set(appId, events = new Map());
    events.set(event, (events.get(event) ?? 0) + count);
    this.#flushing ??= this.#flushLoop();
  }

  /** Resolves when everything added so far is in KV. */
  async flush(): Promise<void> {
    while (this.#flushing) {
      this.#flushAll = true;
      await this.#flushing;
    }
  }

  async read(appId: string): Promise<Map<string, bigint>> {
    const counts = new Map<string, bigint>();
    for await (const entry of this.kv.list<Deno.KvU64>({ prefix: liveKeys.events(appId) })) {
      const event = entry.key[2];
      if (typeof event === "string") counts.set(event, entry.value.value);
    }
    return counts;
  }

  async #flushLoop(): Promise<void> {
    try {
      while (this.#pendingTotals.size > 0 || this.#pendingEvents.size > 0) {
        // Let increments gather: a few KV commits a second are plenty for live pages.
        if (!this.#flushAll) {
          await new Promise((resolve) => setTimeout(resolve, this.intervals.totalsMs));
        }
        const mutations: [Deno.KvKey, bigint][] = [];
        for (const [appId, total] of this.#pendingTotals) {
          mutations.push([liveKeys.appTotal(appId), BigInt(total)]);
        }
        this.#pendingTotals.clear();
        const now = performance.now();
        if (this.#flushAll || now - this.#eventsFlushedAt >= this.#eventsWaitMs) {
          this.#eventsFlushedAt = now;
          const totals = mutations.length;
          for (const [appId, events] of this.#pendingEvents) {
            for (const [event, count] of events) {
              mutations.push([liveKeys.event(appId, event), BigInt(count)]);
            }
          }
          this.#pendingEvents.clear();
          this.#eventsWaitMs = this.#eventsWait(mutations.length - totals);
        }
        await this.#write(mutations);
      }
    } finally {
      this.#flushing = undefined;
      this.#flushAll = false;
    }
  }

  #eventsWait(keysWritten: number): number {
    const { eventsMs, eventKeysPerSecond = 2_000, maxEventsMs = 5_000 } = this.intervals;
    const paced = keysWritten / eventKeysPerSecond * 1000;
    return Math.max(eventsMs, Math.min(maxEventsMs, paced));
  }

  async #write(mutations: [Deno.KvKey, bigint][]): Promise<void> {
    for (let i = 0; i < mutations.length; i += MUTATIONS_PER_ATOMIC) {
      const atomic = this.kv.atomic();
      for (const [key, count] of mutations.slice(i, i + MUTATIONS_PER_ATOMIC)) {
        atomic.sum(key, count);
      }
      try {
        await atomic.commit();
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
