import { deepStrictEqual as equal, ok, rejects } from "node:assert/strict";
import { GroupWriter, WriteUnavailable } from "./group_writer.ts";

function deferred() {
  let resolve!: () => void, reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

Deno.test("writes that arrive together commit as one batch, and resolve after it", async () => {
  const batches: number[][] = [];
  const writer = new GroupWriter<number>({
    commit: (batch) => {
      batches.push(batch);
      return Promise.resolve();
    },
    maxBatch: 100,
    maxInFlight: 1,
    maxQueue: 1000,
    pipelineDepth: 1,
  });
  await Promise.all(Array.from({ length: 10 }, (_, i) => writer.write(i)));
  equal(batches, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  await writer.close();
});

Deno.test("while batches commit the next ones fill, up to maxInFlight at once", async () => {
  const gates = [deferred(), deferred(), deferred()];
  const batches: number[][] = [];
  const writer = new GroupWriter<number>({
    commit: (batch) => {
      batches.push(batch);
      return gates[batches.length - 1].promise;
    },
    maxBatch: 3,
    maxInFlight: 2,
    maxQueue: 1000,
    pipelineDepth: 1,
  });
  const first = writer.write(1);
  await Promise.resolve();
  const second = writer.write(2);
  await Promise.resolve();
  const rest = [3, 4, 5].map((i) => writer.write(i));
  await new Promise((r) => setTimeout(r, 5));
  equal(batches, [[1], [2]]);
  equal(writer.queueDepth, 3);
  gates[0].resolve();
  await first;
  await new Promise((r) => setTimeout(r, 5));
  equal(batches, [[1], [2], [3, 4, 5]]);
  gates[1].resolve();
  gates[2].resolve();
  await Promise.all([second, ...rest]);
  await writer.close();
});

Deno.test("a failed commit rejects its whole batch as unavailable, and later ones go on", async () => {
  let fail = true;
  const writer = new GroupWriter<number>({
    commit: () => (fail ? Promise.reject(new Error("connection refused")) : Promise.resolve()),
    maxBatch: 10,
    maxInFlight: 1,
    maxQueue: 10,
    pipelineDepth: 1,
  });
  const results = await Promise.allSettled([writer.write(1), writer.write(2)]);
  ok(results.every((r) => r.status === "rejected" && r.reason instanceof WriteUnavailable));
  fail = false;
  await writer.write(3);
  equal(writer.stats.failures, 1);
  await writer.close();
});

Deno.test("a deadlock is retried instead of failing the batch", async () => {
  let attempts = 0;
  const writer = new GroupWriter<number>({
    commit: () => (++attempts === 1 ? Promise.reject({ code: "40P01" }) : Promise.resolve()),
    maxBatch: 10,
    maxInFlight: 1,
    maxQueue: 10,
    pipelineDepth: 1,
  });
  await writer.write(1);
  equal(attempts, 2);
  await writer.close();
});

Deno.test("a full queue answers at once instead of waiting", async () => {
  const gate = deferred();
  const writer = new GroupWriter<number>({
    commit: () => gate.promise,
    maxBatch: 1,
    maxInFlight: 1,
    maxQueue: 2,
    pipelineDepth: 1,
  });
  const admitted = [writer.write(1), writer.write(2)];
  await new Promise((r) => setTimeout(r, 1));
  const queued = writer.write(3);
  await rejects(writer.write(4), WriteUnavailable);
  gate.resolve();
  await Promise.all([...admitted, queued]);
  await writer.close();
});

Deno.test("a write still queued when the database hangs is dropped, never stored", async () => {
  const gate = deferred();
  const stored: number[] = [];
  const writer = new GroupWriter<number>({
    commit: async (batch) => {
      await gate.promise;
      stored.push(...batch);
    },
    maxBatch: 1,
    maxInFlight: 1,
    maxQueue: 10,
    pipelineDepth: 1,
    maxWaitMs: 50,
  });
  const inFlight = writer.write(1);
  await new Promise((r) => setTimeout(r, 1));
  const queued = writer.write(2);
  await rejects(queued, WriteUnavailable);
  await rejects(inFlight, WriteUnavailable);
  gate.resolve();
  await writer.close();
  equal(stored, [1]);
});

Deno.test("batches stuck past the wait bound are reported once, and the writer goes on", async () => {
  const stuck = deferred();
  let overdue = 0;
  const stored: number[] = [];
  const writer = new GroupWriter<number>({
    commit: async (batch) => {
      if (batch.includes(1) || batch.includes(2)) await stuck.promise;
      stored.push(...batch);
    },
    maxBatch: 1,
    maxInFlight: 3,
    maxQueue: 10,
    pipelineDepth: 1,
    maxWaitMs: 50,
    onOverdue: () => {
      overdue++;
      stuck.reject(new Error("connection abandoned"));
    },
  });
  const hung = [writer.write(1), writer.write(2)];
  for (const write of hung) await rejects(write, WriteUnavailable);
  equal(overdue, 1);
  await writer.write(3);
  await writer.close();
  equal(stored, [3]);
  equal(overdue, 1);
});

Deno.test("close drains what is queued, then refuses new writes", async () => {
  const stored: number[] = [];
  const writer = new GroupWriter<number>({
    commit: async (batch) => {
      await new Promise((r) => setTimeout(r, 5));
      stored.push(...batch);
    },
    maxBatch: 2,
    maxInFlight: 1,
    maxQueue: 100,
    pipelineDepth: 1,
  });
  const writes = [1, 2, 3, 4, 5].map((i) => writer.write(i));
  await writer.close();
  await Promise.all(writes);
  equal(stored, [1, 2, 3, 4, 5]);
  await rejects(writer.write(6), WriteUnavailable);
});

Deno.test("another batch starts beside a committing one only when the queue is deep", async () => {
  const gate = deferred();
  const batches: number[][] = [];
  const writer = new GroupWriter<number>({
    commit: (batch) => {
      batches.push(batch);
      return batches.length === 1 ? gate.promise : Promise.resolve();
    },
    maxBatch: 100,
    maxInFlight: 2,
    maxQueue: 1000,
    pipelineDepth: 3,
  });
  const first = writer.write(0);
  await new Promise((r) => setTimeout(r, 1));
  const shallow = [1, 2].map((i) => writer.write(i));
  await new Promise((r) => setTimeout(r, 1));
  equal(batches, [[0]]);
  const deep = [3].map((i) => writer.write(i));
  await new Promise((r) => setTimeout(r, 1));
  equal(batches, [[0], [1, 2, 3]]);
  gate.resolve();
  await Promise.all([first, ...shallow, ...deep]);
  await writer.close();
});
