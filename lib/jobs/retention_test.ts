import { deepStrictEqual as equal } from "node:assert/strict";
import { jsonLogger } from "../log.ts";
import { olderThan, type RetentionTask, runRetention } from "./retention.ts";

/** A task over `rows` expired rows that records the limits it was called with. */
function fakeTask(name: string, rows: number, calls: number[]): RetentionTask {
  let left = rows;
  return {
    name,
    prune(_now, limit) {
      calls.push(limit);
      const n = Math.min(left, limit);
      left -= n;
      return Promise.resolve(n);
    },
  };
}

const now = new Date("2026-06-15T12:00:00Z");

Deno.test("each task runs in batches until a short batch says nothing is left", async () => {
  const calls: number[] = [];
  const deleted = await runRetention(
    [fakeTask("events", 7, calls), fakeTask("pings", 0, calls)],
    { now, batchSize: 3, pauseMs: 0 },
  );
  equal(deleted, { events: 7, pings: 0 });
  equal(calls, [3, 3, 3, 3]);
});

Deno.test("a failing task is logged and the others still run; an abort stops between batches", async () => {
  const lines: Record<string, unknown>[] = [];
  const log = jsonLogger((line) => lines.push(JSON.parse(line)));
  const broken: RetentionTask = {
    name: "broken",
    prune: () => Promise.reject(new Error("relation does not exist")),
  };
  const calls: number[] = [];
  equal(
    await runRetention([broken, fakeTask("events", 2, calls)], {
      now,
      batchSize: 5,
      pauseMs: 0,
      log,
    }),
    { broken: 0, events: 2 },
  );
  equal(lines.map((l) => [l.msg, l.task]), [
    ["retention task failed", "broken"],
    ["retention pruned", "events"],
  ]);

  const abort = new AbortController();
  let batches = 0;
  const endless: RetentionTask = {
    name: "endless",
    prune: (_now, limit) => {
      if (++batches === 2) abort.abort();
      return Promise.resolve(limit);
    },
  };
  equal(
    await runRetention([endless], { now, batchSize: 10, pauseMs: 0, signal: abort.signal }),
    { endless: 20 },
  );
});

Deno.test("olderThan prunes before now minus the retention period", async () => {
  const cutoffs: string[] = [];
  const task = olderThan("events", 30, (cutoff, limit) => {
    cutoffs.push(`${cutoff.toISOString()} ${limit}`);
    return Promise.resolve(0);
  });
  await task.prune(now, 100);
  equal(cutoffs, ["2026-05-16T12:00:00.000Z 100"]);
});
