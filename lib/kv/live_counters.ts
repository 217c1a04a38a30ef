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
  #pending = new Map<string, { appId: string; event: string; count: bigint }>();
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly flushIntervalMs = 100,
  ) {}

  add(appId: string, event: string, count = 1n): void {
    const key = JSON.stringify([appId, event]);
    const entry = this.#pending.get(key);
    if (entry) entry.count += count;
    else this.#pending.set(key, { appId, event, count });
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
        const entries = [...this.#pending.values()];
        this.#pending.clear();
        const perApp = new Map<string, bigint>();
        for (const { appId, count } of entries) {
          perApp.set(appId, (perApp.get(appId) ?? 0n) + count);
        }
        const mutations: [Deno.KvKey, bigint][] = [
          ...entries.map((e): [Deno.KvKey, bigint] => [liveKeys.event(e.appId, e.event), e.count]),
          ...[...perApp].map(([appId, count]): [Deno.KvKey, bigint] => [
            liveKeys.appTotal(appId),
            count,
          ]),
        ];
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
