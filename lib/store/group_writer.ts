/** Thrown to a waiter whose write was not stored: answer 503 with Retry-After. */
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
  onError?: (error: unknown, batchSize: number) => void;
}

interface Waiter<T> {
  item: T;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** PostgreSQL's deadlock and serialization failures: the batch may simply run again. */
const retryableCodes = new Set(["40P01", "40001"]);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && retryableCodes.has(code);
}

/**
 * Group commit: writes queue up, and each batch commits many of them in one transaction.
 * Batches form naturally — while some commit, the next fill — with up to `maxInFlight`
 * batches on separate connections. `write` resolves only after its batch committed and
 * rejects with WriteUnavailable when the queue is full or the database failed.
 */
export class GroupWriter<T> {
  #queue: Waiter<T>[] = [];
  #inFlight = 0;
  #scheduled = false;
  #closed = false;
  #idle: (() => void)[] = [];
  readonly stats = { batches: 0, items: 0, failures: 0 };

  constructor(private readonly options: GroupWriterOptions<T>) {}

  get queueDepth(): number {
    return this.#queue.length;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  write(item: T): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new WriteUnavailable("The service is shutting down.", 5));
    }
    if (this.#queue.length >= this.options.maxQueue) {
      return Promise.reject(new WriteUnavailable("The ingestion queue is full."));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => this.#pump());
      }
    });
  }

  /** Stops taking writes and resolves once everything queued has been committed or failed. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#queue.length === 0 && this.#inFlight === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    this.#scheduled = false;
    while (this.#inFlight < this.options.maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.options.maxBatch);
      this.#inFlight++;
      this.#run(batch).finally(() => {
        this.#inFlight--;
        if (this.#queue.length > 0) this.#pump();
        else if (this.#inFlight === 0) this.#idle.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  async #run(batch: Waiter<T>[]): Promise<void> {
    const items = batch.map((w) => w.item);
    for (let attempt = 1;; attempt++) {
      try {
        await this.options.commit(items);
        break;
      } catch (error) {
        if (attempt < 3 && isRetryable(error)) continue;
        this.stats.failures++;
        this.options.onError?.(error, items.length);
        const unavailable = new WriteUnavailable("The database is unavailable.", 5);
        for (const waiter of batch) waiter.reject(unavailable);
        return;
      }
    }
    this.stats.batches++;
    this.stats.items += items.length;
    this.options.afterCommit?.(items);
    for (const waiter of batch) waiter.resolve();
  }
}
