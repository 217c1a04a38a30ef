import {
  type RateDecision,
  type RatePolicy,
  SlidingWindow,
  type WindowSnapshot,
} from "../domain/sliding_window.ts";

/** KV key of a limited token's window. */
export const rateLimitKey = (key: string): Deno.KvKey => ["ratelimit", key];

/** The part of Deno.Kv the limiter uses (tests pass a failing one). */
export type RateLimitKv = Pick<Deno.Kv, "getMany" | "atomic">;

export interface RateLimiterOptions {
  /**
   * How long changed windows wait before they are written to KV together, at least
   * (default 100 ms). Under load the wait grows with the number of windows the last write
   * carried, so that about `writesPerSecond` windows are written a second, up to
   * `maxFlushIntervalMs` (default 5 s): a crash forgets at most that much of the counts; a
   * shutdown writes everything.
   */
  flushIntervalMs?: number;
  maxFlushIntervalMs?: number;
  /** Windows written to KV per second under load (each costs ~10–30 µs here). */
  writesPerSecond?: number;
  /** How long a first request waits for its window to load before it is decided on an empty one. */
  loadTimeoutMs?: number;
  /** Called (at most every 10 s, with how many were not reported) when KV fails. */
  onError?: (what: string, error: unknown, suppressed: number) => void;
  now?: () => number;
}

/** Deno KV takes at most 10 keys per getMany and ~800 KiB per atomic operation. */
const KEYS_PER_READ = 10;
/** Persisted windows are merged into 20 buckets (500 ms for 10 s): small, cheap writes. */
const PERSISTED_BUCKETS = 20;
const MUTATIONS_PER_WRITE = 500;
const NUMBERS_PER_WRITE = 40_000;
const SWEEP_EVERY_MS = 5_000;
const ERROR_REPORT_EVERY_MS = 10_000;

interface Loading {
  keys: string[];
  resolves: (() => void)[];
}

/**
 * Per-token sliding windows, decided in process memory and persisted to Deno KV behind the
 * requests.
 *
 * Admission is synchronous once a token's window is in memory, so concurrent requests are
 * decided one after the other and the limit is exact (this process owns its KV file: one
 * process, one set of windows). A token's window is read from KV on its first request
 * (reads of waiting tokens are batched), so a restart keeps the windows. Changed windows
 * are written in batched atomic operations (paced, see the options) and on `close()`; the
 * requests never wait for a KV write. When KV fails, requests are decided on what memory
 * holds (an empty window for a token that could not be loaded): ingestion stays open.
 * Each KV write costs the process some 10–30 µs per window, so under load the writes are
 * paced (see `writesPerSecond`) and persisted windows are merged into 20 buckets.
 */
export class RateLimiter {
  #windows = new Map<string, SlidingWindow>();
  #loading = new Map<string, Promise<void>>();
  /** The policy each loading window is restored under. */
  #policies = new Map<string, RatePolicy>();
  #toLoad: Loading | undefined;
  #dirty = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;
  #lastSweep = 0;
  #lastErrorReport = -Infinity;
  #suppressedErrors = 0;
  readonly #flushIntervalMs: number;
  readonly #maxFlushIntervalMs: number;
  readonly #writesPerSecond: number;
  /** Windows the last flush wrote: sets the next wait. */
  #lastFlushSize = 0;
  readonly #loadTimeoutMs: number;
  readonly #now: () => number;
  readonly stats = { loads: 0, writes: 0, failures: 0 };

  constructor(
    private readonly kv: RateLimitKv,
    private readonly options: RateLimiterOptions = {},
  ) {
    this.#flushIntervalMs = options.flushIntervalMs ?? 100;
    this.#maxFlushIntervalMs = Math.max(
      this.#flushIntervalMs,
      options.maxFlushIntervalMs ?? 5_000,
    );
    this.#writesPerSecond = options.writesPerSecond ?? 2_000;
    this.#loadTimeoutMs = options.loadTimeoutMs ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** Windows held in memory. */
  get size(): number {
    return this.#windows.size;
  }

  /**
   * Counts a request against `key` under `policy`, or refuses it (not counted). Returns
   * synchronously when the window is in memory, else after loading it from KV.
   */
  hit(key: string, policy: RatePolicy): RateDecision | Promise<RateDecision> {
    const window = this.#windows.get(key);
    if (window) return this.#decide(key, window, policy);
    return this.#load(key, policy).then(() => this.hit(key, policy));
  }

  #decide(key: string, window: SlidingWindow, policy: RatePolicy): RateDecision {
    if (window.policy !== policy) window.setPolicy(policy);
    const decision = window.hit(this.#now());
    if (decision.allowed) this.#markDirty(key);
    return decision;
  }

  #markDirty(key: string): void {
    this.#dirty.add(key);
    if (this.#timer === undefined && !this.#flushing && !this.#closed) this.#schedule();
  }

  #schedule(): void {
    const paced = this.#lastFlushSize / this.#writesPerSecond * 1000;
    const delay = Math.min(this.#maxFlushIntervalMs, Math.max(this.#flushIntervalMs, paced));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#runFlush();
    }, delay);
  }

  #runFlush(): Promise<void> {
    this.#flushing = this.#flush().finally(() => {
      this.#flushing = undefined;
      if (this.#dirty.size > 0 && !this.#closed && this.#timer === undefined) this.#schedule();
    });
    return this.#flushing;
  }

  #load(key: string, policy: RatePolicy): Promise<void> {
    let loading = this.#loading.get(key);
    if (loading) return loading;
    loading = new Promise<void>((resolve) => {
      if (!this.#toLoad) {
        this.#toLoad = { keys: [], resolves: [] };
        queueMicrotask(() => this.#readBatch());
      }
      this.#toLoad.keys.push(key);
      this.#toLoad.resolves.push(resolve);
    }).then(() => {
      this.#loading.delete(key);
      // A KV failure or timeout leaves no window: start an empty one.
      if (!this.#windows.has(key)) this.#windows.set(key, new SlidingWindow(policy));
    });
    this.#loading.set(key, loading);
    this.#policies.set(key, policy);
    return loading;
  }

  #readBatch(): void {
    const batch = this.#toLoad!;
    this.#toLoad = undefined;
    for (let i = 0; i < batch.keys.length; i += KEYS_PER_READ) {
      const keys = batch.keys.slice(i, i + KEYS_PER_READ);
      const resolves = batch.resolves.slice(i, i + KEYS_PER_READ);
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        for (const key of keys) this.#policies.delete(key);
        for (const resolve of resolves) resolve();
      };
      const timeout = setTimeout(() => {
        this.#report("load", new Error(`KV read took over ${this.#loadTimeoutMs} ms`));
        settle();
      }, this.#loadTimeoutMs);
      this.stats.loads++;
      this.kv.getMany<WindowSnapshot[]>(keys.map(rateLimitKey)).then((entries) => {
        if (settled) return;
        for (const [j, entry] of entries.entries()) {
          const key = keys[j];
          const policy = this.#policies.get(key)!;
          if (this.#windows.has(key)) continue;
          const window = entry.value ? restoreWindow(policy, entry.value) : undefined;
          this.#windows.set(key, window ?? new SlidingWindow(policy));
        }
      }).catch((error) => this.#report("load", error)).finally(settle);
    }
  }

  /** Writes every changed window to KV now. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#flushing) await this.#flushing;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#dirty.size > 0) await this.#runFlush();
  }

  /** Stops the background writes after writing what changed. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  async #flush(): Promise<void> {
    const now = this.#now();
    const keys = [...this.#dirty];
    this.#dirty.clear();
    this.#lastFlushSize = keys.length;
    let atomic = this.kv.atomic();
    let inAtomic: string[] = [];
    let numbers = 0;
    const commit = async () => {
      if (inAtomic.length === 0) return;
      const written = inAtomic;
      try {
        await atomic.commit();
        this.stats.writes++;
      } catch (error) {
        this.#report("write", error);
        // Write them with the next flush; a newer state replaces the failed one.
        for (const key of written) this.#dirty.add(key);
      }
      atomic = this.kv.atomic();
      inAtomic = [];
      numbers = 0;
    };
    for (const key of keys) {
      const window = this.#windows.get(key);
      if (!window) continue;
      const snapshot = window.snapshot(now, PERSISTED_BUCKETS);
      const expireIn = window.expiresInMs(now);
      if (expireIn <= 0) atomic.delete(rateLimitKey(key));
      else atomic.set(rateLimitKey(key), snapshot, { expireIn: expireIn + 1_000 });
      inAtomic.push(key);
      numbers += snapshot.b.length;
      if (inAtomic.length >= MUTATIONS_PER_WRITE || numbers >= NUMBERS_PER_WRITE) await commit();
    }
    await commit();
    if (now - this.#lastSweep >= SWEEP_EVERY_MS) this.#sweep(now);
  }

  /** Forgets windows with nothing counted that are not waiting to be written. */
  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) {
      if (!this.#dirty.has(key) && window.count(now) === 0) this.#windows.delete(key);
    }
  }

  #report(what: string, error: unknown): void {
    this.stats.failures++;
    const now = this.#now();
    if (now - this.#lastErrorReport < ERROR_REPORT_EVERY_MS) {
      this.#suppressedErrors++;
      return;
    }
    this.options.onError?.(what, error, this.#suppressedErrors);
    this.#lastErrorReport = now;
    this.#suppressedErrors = 0;
  }
}

function restoreWindow(policy: RatePolicy, value: unknown): SlidingWindow | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { g, b } = value as Partial<WindowSnapshot>;
  if (typeof g !== "number" || !(b instanceof Float64Array || Array.isArray(b))) return undefined;
  return new SlidingWindow(policy, { g, b });
}
