/**
 * Counts failed attempts per key (an email, an address) in a fixed window and refuses once
 * a key reaches its limit, until the window that began with its first failure has passed.
 * In memory: a restart forgets, which is acceptable for sign-in throttling. Keys are
 * dropped when their window ends, and the table is bounded.
 */
export interface AttemptLimit {
  max: number;
  windowMs: number;
}

export class AttemptLimiter {
  #entries = new Map<string, { failures: number; resetAt: number }>();

  constructor(
    private readonly limit: AttemptLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const entry = this.#live(key);
    if (!entry || entry.failures < this.limit.max) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - this.now()) / 1000));
  }

  fail(key: string): void {
    const entry = this.#live(key);
    if (entry) {
      entry.failures++;
      return;
    }
    if (this.#entries.size >= this.maxKeys) this.#sweep();
    if (this.#entries.size >= this.maxKeys) this.#entries.clear();
    this.#entries.set(key, { failures: 1, resetAt: this.now() + this.limit.windowMs });
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  #live(key: string) {
    const entry = this.#entries.get(key);
    if (entry && entry.resetAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep() {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.resetAt <= now) this.#entries.delete(key);
  }
}

/** Sign-in throttling: per email and per client address. */
export class SignInLimits {
  readonly byEmail: AttemptLimiter;
  readonly byAddress: AttemptLimiter;

  constructor(now: () => number = Date.now) {
    this.byEmail = new AttemptLimiter({ max: 5, windowMs: 15 * 60_000 }, now);
    this.byAddress = new AttemptLimiter({ max: 20, windowMs: 15 * 60_000 }, now);
  }

  /** Seconds to wait before this email may be tried from this address, or 0. */
  retryAfterSeconds(email: string, address: string): number {
    return Math.max(
      this.byEmail.retryAfterSeconds(email.toLowerCase()),
      this.byAddress.retryAfterSeconds(address),
    );
  }

  failed(email: string, address: string): void {
    this.byEmail.fail(email.toLowerCase());
    this.byAddress.fail(address);
  }

  succeeded(email: string): void {
    this.byEmail.reset(email.toLowerCase());
  }
}
