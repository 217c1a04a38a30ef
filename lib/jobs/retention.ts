/**
 * Retention: a list of pruning tasks, each deleting expired rows of one kind in small
 * batches. main.ts runs the list from a daily Deno.cron; tests call `runRetention` directly.
 * Modules with their own history (a monitor's ping log) add a task to
 * `services.retention`.
 */
import type { Kysely } from "kysely";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { pruneEvents } from "../store/events.ts";
import type { Schema } from "../store/schema.ts";

export interface RetentionTask {
  /** What the task prunes, for logs and results (`events`, `pings`). */
  readonly name: string;
  /**
   * Deletes at most `limit` rows that are expired as of `now` and returns how many it
   * deleted; fewer than `limit` means nothing expired is left.
   */
  prune(now: Date, limit: number): Promise<number>;
}

export interface RetentionOptions {
  now: Date;
  /** Rows per statement: small, so each delete holds its locks only briefly. */
  batchSize: number;
  /** Pause between batches, leaving the database to the hot path (default 50 ms). */
  pauseMs?: number;
  /** Stops between batches when aborted (shutdown). */
  signal?: AbortSignal;
  log?: Logger;
}

/** Runs every task to completion (or until aborted); returns rows deleted per task. */
export async function runRetention(
  tasks: readonly RetentionTask[],
  { now, batchSize, pauseMs = 50, signal, log }: RetentionOptions,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const task of tasks) {
    let total = 0;
    const started = performance.now();
    try {
      while (!signal?.aborted) {
        const n = await task.prune(now, batchSize);
        total += n;
        if (n < batchSize) break;
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
      log?.log("info", "retention pruned", {
        task: task.name,
        deleted: total,
        ms: Math.round(performance.now() - started),
      });
    } catch (error) {
      log?.log("error", "retention task failed", { task: task.name, deleted: total, error });
    }
    deleted[task.name] = total;
  }
  return deleted;
}

/** A task that prunes rows older than `days` days with `deleteBefore(cutoff, limit)`. */
export function olderThan(
  name: string,
  days: number,
  deleteBefore: (cutoff: Date, limit: number) => Promise<number>,
): RetentionTask {
  return {
    name,
    prune: (now, limit) => deleteBefore(new Date(now.getTime() - days * 86_400_000), limit),
  };
}

/** The pruning tasks the configuration asks for (raw events; monitors add their pings). */
export function retentionTasks(config: Config, db: Kysely<Schema>): RetentionTask[] {
  const tasks: RetentionTask[] = [];
  if (config.retention.eventsDays !== undefined) {
    tasks.push(
      olderThan(
        "events",
        config.retention.eventsDays,
        (cutoff, limit) => pruneEvents(db, cutoff, limit),
      ),
    );
  }
  return tasks;
}
