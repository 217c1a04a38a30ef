import type { Kysely } from "kysely";
import type { Logger } from "../log.ts";
import { foldRollupDeltas, vacuumRollupDeltas } from "../store/events.ts";
import type { Schema } from "../store/schema.ts";

export interface RollupFolderOptions {
  db: Kysely<Schema>;
  log: Logger;
  /** Pause between two folds. Longer pauses fold more events into each upserted row. */
  intervalMs: number;
  /** Deltas moved per statement (a backlog is folded in several). */
  batch: number;
}

/**
 * Folds rollup deltas into the rollups in the background, one fold at a time in this
 * process. Every instance runs one; folds on several instances take disjoint deltas.
 * Nothing depends on its timing for correctness: readers add the deltas not folded yet.
 */
export class RollupFolder {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #folding: Promise<number> | undefined;
  #running = false;
  readonly stats = { folds: 0, moved: 0, errors: 0 };

  constructor(private readonly o: RollupFolderOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  /** Stops the timer and waits for a fold in progress. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#folding;
  }

  /**
   * Folds every delta committed so far; while a fold is already running, joins that one
   * instead (deltas committed after it began wait for the next). Returns deltas moved.
   */
  foldNow(): Promise<number> {
    this.#folding ??= this.#foldAll().finally(() => (this.#folding = undefined));
    return this.#folding;
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(async () => {
      await this.foldNow();
      this.#schedule();
    }, this.o.intervalMs);
  }

  async #foldAll(): Promise<number> {
    let moved = 0;
    try {
      for (;;) {
        const n = await foldRollupDeltas(this.o.db, this.o.batch);
        moved += n;
        if (n < this.o.batch) break;
      }
      if (moved > 0) await vacuumRollupDeltas(this.o.db);
      this.stats.folds++;
    } catch (error) {
      this.stats.errors++;
      this.o.log.log("warn", "folding rollup deltas failed; they stay pending", { error });
    }
    this.stats.moved += moved;
    return moved;
  }
}
