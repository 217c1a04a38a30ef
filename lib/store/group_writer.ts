/** Thrown to a waiter whose write was not acknowledged: answer 503 with Retry-After. */
export class WriteUnavailable extends Error {
  constructor(message: string, readonly retryAfterSeconds = 1) {
    super(message);
  }
}

export interface GroupWriterOptions<T> {
  /** Stores the whole batch atomically, or throws and stores none of it. */
  commit: (batch: T[]) => Promise<void>;
  /** Runs after a batch is durable, before its waiters are released. Must not throw. */
  afterCommit?: (batch: T[]) => void;
  maxBatch: number;
  maxInFlight: number;
  maxQueue: number;
  /** Queued writes that justify another batch while one is already committing. */
  pipelineDepth: number;
  /** How long a caller waits for its commit before it is answered 503 (default 10 s). */
  maxWaitMs?: number;
  onError?: (error: unknown, batchSize: number) => void;
  /**
   * Called when batches are found still committing after `maxWaitMs` (once per batch; their
   * waiters have been answered 503): the place to give up on a connection that stopped
   * answering.
   */
  onOverdue?: () => void;
  /** After each batch: its size, the commit's duration in seconds, and whether it stored. */
  onBatch?: (size: number, seconds: number, stored: boolean) => void;
}

interface Waiter<T> {
  item: T;
  since: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** PostgreSQL's deadlock and serialization failures: the batch may simply run again. */
const retryableCodes = new Set(["40P01", "40001"]);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && retryableCodes.has(code);
}

function settle<T>(waiter: Waiter<T>, error?: Error): void {
  if (waiter.settled) return;
  waiter.settled = true;
  if (error) waiter.reject(error);
  else waiter.resolve();
}

/**
 * Group commit: writes queue up, and each batch commits many of them in one transaction.
 * Batches form naturally — while some commit, the next fill — with up to `maxInFlight`
 * batches in flight. `write` resolves only after its batch committed, and
 * rejects with WriteUnavailable when the queue is full, the database failed, or the commit
 * took longer than `maxWaitMs` (a write still queued then is dropped, never stored).
 */
export class GroupWriter<T> {
  #queue: Waiter<T>[] = [];
  #batches = new Set<{ since: number; waiters: Waiter<T>[]; overdue: boolean }>();
  #scheduled = false;
  #closed = false;
  #idle: (() => void)[] = [];
  #watchdog: ReturnType<typeof setInterval> | undefined;
  readonly stats = { batches: 0, items: 0, failures: 0, timeouts: 0 };

  constructor(private readonly options: GroupWriterOptions<T>) {}

  get queueDepth(): number {
    return this.#queue.length;
  }

  get inFlight(): number {
    return this.#batches.size;
  }

  write(item: T): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new WriteUnavailable("The service is shutting down.", 5));
    }
    if (this.#queue.length >= this.options.maxQueue) {
      return Promise.reject(new WriteUnavailable("The ingestion queue is full."));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, since: performance.now(), settled: false, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => this.#pump());
      }
    });
  }

  /**
   * Stops taking writes and resolves once everything queued has been committed or failed —
   * or, if the database hangs, once every waiter has been answered by the wait bound.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#queue.length > 0 || this.#batches.size > 0) {
      const bound = (this.options.maxWaitMs ?? 10_000) + 500;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, bound))),
      ]);
      clearTimeout(timer);
    }
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  #pump(): void {
    this.#scheduled = false;
    this.#watchdog ??= setInterval(() => this.#expire(), 250);
    // A second batch starts only while the queue is deep: small batches cost more per
    // event than waiting for the one in flight (measured: one in flight with ~30 events a
    // batch outran four in flight with ~9).
    while (
      this.#queue.length > 0 &&
      (this.#batches.size === 0 ||
        (this.#batches.size < this.options.maxInFlight &&
          this.#queue.length >= this.options.pipelineDepth))
    ) {
      const batch = {
        since: performance.now(),
        waiters: this.#queue.splice(0, this.options.maxBatch),
        overdue: false,
      };
      this.#batches.add(batch);
      const release = () => {
        if (!this.#batches.delete(batch)) return;
        if (this.#queue.length > 0) this.#pump();
        else if (this.#batches.size === 0) this.#becameIdle();
      };
      this.#run(batch.waiters, release).finally(release);
    }
  }

  #becameIdle(): void {
    if (this.#closed) {
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
    }
    this.#idle.splice(0).forEach((resolve) => resolve());
  }

  #expire(): void {
    const deadline = performance.now() - (this.options.maxWaitMs ?? 10_000);
    const late = new WriteUnavailable("The database did not answer in time.", 5);
    let dropped = 0;
    while (this.#queue.length > 0 && this.#queue[0].since < deadline) {
      settle(this.#queue.shift()!, late);
      dropped++;
    }
    let overdue = false;
    for (const batch of this.#batches) {
      if (batch.since >= deadline || batch.overdue) continue;
      batch.overdue = overdue = true;
      batch.waiters.forEach((waiter) => settle(waiter, late));
    }
    if (overdue) this.options.onOverdue?.();
    this.stats.timeouts += dropped;
    if (dropped > 0 && this.#queue.length === 0 && this.#batches.size === 0) this.#becameIdle();
  }

  /** Commits a batch; `release` frees its slot (starting the next batch) before the waiters hear. */
  async #run(batch: Waiter<T>[], release: () => void): Promise<void> {
    const items = batch.map((w) => w.item);
    const started = performance.now();
    for (let attempt = 1;; attempt++) {
      try {
        await this.options.commit(items);
        break;
      } catch (error) {
        if (attempt < 3 && isRetryable(error)) continue;
        this.stats.failures++;
        this.options.onError?.(error, items.length);
        this.options.onBatch?.(items.length, (performance.now() - started) / 1000, false);
        const unavailable = new WriteUnavailable("The database is unavailable.", 5);
        release();
        for (const waiter of batch) settle(waiter, unavailable);
        return;
      }
    }
    this.stats.batches++;
    this.stats.items += items.length;
    this.options.onBatch?.(items.length, (performance.now() - started) / 1000, true);
    // The next batch leaves before this one's responses are built: the database works
    // while they go out.
    release();
    this.options.afterCommit?.(items);
    for (const waiter of batch) settle(waiter);
  }
}
