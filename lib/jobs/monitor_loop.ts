import type { Kysely } from "kysely";
import type { Logger } from "../log.ts";
import type { Schema } from "../store/schema.ts";
import { markAlive, nearestDeadline } from "../store/sweep.ts";
import { deliverDue, type DeliveryOptions } from "./deliver.ts";
import { sweepMonitors, type SweepResult } from "./sweep.ts";

/** The least time between two sweeps started by the timer: no busy loop on a stuck row. */
const MIN_GAP_MS = 20;
/** A sweep or delivery round that takes longer is abandoned (a query stuck on a dead connection). */
const ROUND_LIMIT_MS = 60_000;
const STOP_WAIT_MS = 5_000;

class RoundTimeout extends Error {}

/** Resolves or rejects with `promise`, or rejects with RoundTimeout after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RoundTimeout(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface MonitorLoopOptions {
  db: Kysely<Schema>;
  now: () => Date;
  log: Logger;
  aliveTickMs: number;
  downtimeGapMs: number;
  /** The timer looks at the database at least this often (other instances' deadlines). */
  pollMs: number;
  delivery: DeliveryOptions;
}

/**
 * Runs the sweep and alert delivery in this process: a timer armed for the nearest deadline
 * (so transitions land within moments of it), a liveness tick, and `runOnce` for the
 * minute-by-minute `Deno.cron` backstop. Sweeps and deliveries each run one at a time here;
 * other instances may run theirs concurrently — the database arbitrates.
 */
export class MonitorLoop {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #aliveTimer: ReturnType<typeof setInterval> | undefined;
  #sweeping: Promise<SweepResult | undefined> | undefined;
  #sweepAgain = false;
  #delivering: Promise<void> | undefined;
  #deliverAgain = false;
  #running = false;
  #ticking = false;
  #stop = new AbortController();
  readonly stats = { sweeps: 0, flips: 0, deliveries: 0, errors: 0 };

  constructor(private readonly o: MonitorLoopOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#aliveTimer = setInterval(() => this.#tickAlive(), this.o.aliveTickMs);
    this.wake();
  }

  /** Asks for a sweep at `at` (now when omitted), unless one is already due sooner. */
  wake(at?: Date | null): void {
    if (!this.#running) return;
    const when = at ? at.getTime() : this.o.now().getTime();
    if (at === null || when >= this.#timerAt) return;
    this.#arm(when);
  }

  /** Starts delivering alerts now (after a ping flipped a monitor down or up). */
  deliverSoon(): void {
    if (this.#running) void this.#deliver();
  }

  /** One sweep and delivery round now; resolves when the sweep is written. */
  async runOnce(): Promise<SweepResult | undefined> {
    const result = await this.#sweep();
    void this.#deliver();
    return result;
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stop.abort();
    clearTimeout(this.#timer);
    clearInterval(this.#aliveTimer);
    this.#timerAt = Infinity;
    // A query stuck on a dropped connection must not hold up shutdown.
    await withTimeout(Promise.allSettled([this.#sweeping, this.#delivering]), STOP_WAIT_MS)
      .catch(() => this.o.log.log("warn", "stopped with a database call still pending"));
  }

  #arm(when: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = when;
    // Timestamps are kept to the millisecond; one more keeps the sweep's `now` past them.
    const delay = Math.max(0, when - this.o.now().getTime() + 1);
    this.#timer = setTimeout(() => {
      this.#timerAt = Infinity;
      this.#timer = undefined;
      void this.runOnce();
    }, delay);
  }

  async #tickAlive(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const outage = await withTimeout(
        markAlive(this.o.db, this.o.now(), this.o.downtimeGapMs),
        ROUND_LIMIT_MS,
      );
      if (outage) {
        this.o.log.log("warn", "the service was down; deadlines inside it get a fresh grace", {
          from: outage.from.toISOString(),
          to: outage.to.toISOString(),
          held: outage.held,
        });
        this.wake();
      }
    } catch (error) {
      this.stats.errors++;
      this.o.log.log("warn", "liveness update failed", { error });
    } finally {
      this.#ticking = false;
    }
  }

  #sweep(): Promise<SweepResult | undefined> {
    if (this.#sweeping) {
      this.#sweepAgain = true;
      return this.#sweeping;
    }
    this.#sweeping = (async () => {
      let result: SweepResult | undefined;
      let failed = false;
      do {
        this.#sweepAgain = false;
        try {
          result = await withTimeout(
            sweepMonitors(this.o.db, this.o.now(), { downtimeGapMs: this.o.downtimeGapMs }),
            ROUND_LIMIT_MS,
          );
          this.stats.sweeps++;
          this.stats.flips += result.flips.length;
          if (result.outage) {
            this.o.log.log("warn", "the service was down; deadlines inside it get a fresh grace", {
              from: result.outage.from.toISOString(),
              to: result.outage.to.toISOString(),
              held: result.outage.held,
            });
          }
          for (const flip of result.flips) {
            this.o.log.log("info", "monitor status changed", {
              monitor: flip.monitorId,
              from: flip.from,
              to: flip.to,
              reason: flip.reason,
            });
          }
        } catch (error) {
          failed = true;
          this.stats.errors++;
          this.o.log.log("error", "sweep failed", { error });
        }
      } while (this.#sweepAgain && this.#running && !failed);
      await this.#rearm(failed ? 1_000 : MIN_GAP_MS);
      return result;
    })().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  /** Arms the timer for the nearest deadline, but not sooner than `minDelayMs` from now. */
  async #rearm(minDelayMs: number): Promise<void> {
    if (!this.#running) return;
    const now = this.o.now().getTime();
    const poll = now + this.o.pollMs;
    let next = poll;
    try {
      const nearest = await withTimeout(nearestDeadline(this.o.db), ROUND_LIMIT_MS);
      if (nearest && nearest.getTime() < poll) {
        next = Math.max(nearest.getTime(), now + minDelayMs);
      }
    } catch (error) {
      this.stats.errors++;
      this.o.log.log("warn", "reading the nearest deadline failed", { error });
    }
    if (this.#running && next < this.#timerAt) this.#arm(next);
  }

  #deliver(): Promise<void> {
    if (this.#delivering) {
      this.#deliverAgain = true;
      return this.#delivering;
    }
    this.#delivering = (async () => {
      do {
        this.#deliverAgain = false;
        try {
          this.stats.deliveries += await withTimeout(
            deliverDue(this.o.db, this.o.now, this.o.delivery, this.o.log, this.#stop.signal),
            ROUND_LIMIT_MS,
          );
        } catch (error) {
          this.stats.errors++;
          this.o.log.log("error", "alert delivery failed", { error });
        }
      } while (this.#deliverAgain && this.#running);
      await this.#rearm(MIN_GAP_MS);
    })().finally(() => (this.#delivering = undefined));
    return this.#delivering;
  }
}
