/** KV keys of the live counters: an app's total (watch this one), and each of its events. */
export const liveKeys = {
  appTotal: (appId: string): Deno.KvKey => ["live_total", appId],
  events: (appId: string): Deno.KvKey => ["live", appId],
  event: (appId: string, event: string): Deno.KvKey => ["live", appId, event],
};

const MUTATIONS_PER_ATOMIC = 500;

/**
 * Counts of committed events per app and event in Deno KV, for pages that watch them.
 * Increments accumulate in memory and are written in batched atomic sums, one flush at a
 * time, so KV's per-operation cost never reaches the ingestion path.
 */
export class LiveCounters {
  /** app → event → increments not yet in KV (numbers: a flush's worth never nears 2^53). */
  #pending = new Map<string, Map<string, number>>();
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly flushIntervalMs = 100,
  ) {}

  add(appId: string, event: string, count = 1): void {
    let events = this.#pending.get(appId);
    if (!events) this.#pending.set(appId, events = new Map());
    events.set(event, (events.get(event) ?? 0) + count);
    this.#flushing ??= this.#flushLoop();
  }

  /** Resolves when everything added so far is in KV. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
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
      while (this.#pending.size > 0) {
        // Let increments gather: a few KV commits a second are plenty for live pages.
        await new Promise((resolve) => setTimeout(resolve, this.flushIntervalMs));
        const pending = [...this.#pending];
        this.#pending.clear();
        const mutations: [Deno.KvKey, bigint][] = [];
        for (const [appId, events] of pending) {
          let total = 0;
          for (const [event, count] of events) {
            mutations.push([liveKeys.event(appId, event), BigInt(count)]);
            total += count;
          }
          mutations.push([liveKeys.appTotal(appId), BigInt(total)]);
        }
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
    } finally {
      this.#flushing = undefined;
    }
  }
}
