import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { RateLimiter, rateLimitKey, type RateLimitKv } from "./rate_limiter.ts";

const policy = { limit: 60, windowMs: 10_000 };

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function allowedOf(limiter: RateLimiter, key: string, n: number) {
  const decisions = await Promise.all(Array.from({ length: n }, () => limiter.hit(key, policy)));
  return decisions.filter((d) => d.allowed).length;
}

Deno.test("200 concurrent first requests admit exactly 60", async () => {
  const kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv);
  try {
    equal(await allowedOf(limiter, "a", 200), 60);
    equal(await allowedOf(limiter, "a", 10), 0);
    equal(await allowedOf(limiter, "b", 61), 60, "each key has its own window");
    equal(limiter.stats.loads, 2);
  } finally {
    await limiter.close();
    kv.close();
  }
});

Deno.test("windows are written behind in batches and a new limiter reads them back", async () => {
  const kv = await Deno.openKv(":memory:");
  const time = clock();
  const first = new RateLimiter(kv, { now: time.now, flushIntervalMs: 60_000 });
  const keys = Array.from({ length: 1_200 }, (_, i) => `k${i}`);
  await Promise.all(keys.map((key) => first.hit(key, policy)));
  equal(await allowedOf(first, "k0", 100), 59);
  equal((await kv.get(rateLimitKey("k0"))).value, null, "nothing written before the flush");
  await first.close();
  equal(first.stats.writes, 3, "1 200 windows in three atomic writes");
  equal(first.stats.loads, 120, "first reads batched ten keys at a time");

  time.advance(5_000);
  const second = new RateLimiter(kv, { now: time.now });
  equal(await allowedOf(second, "k0", 5), 0, "the restored window is still full");
  equal(await allowedOf(second, "k1", 100), 59);
  time.advance(5_500);
  equal(await allowedOf(second, "k0", 100), 60, "and it slides as before (±500 ms)");
  await second.close();
  kv.close();
});

Deno.test("emptied windows are deleted from KV and forgotten in memory", async () => {
  const kv = await Deno.openKv(":memory:");
  const time = clock();
  const limiter = new RateLimiter(kv, { now: time.now, flushIntervalMs: 60_000 });
  await limiter.hit("gone", policy);
  await limiter.flush();
  ok((await kv.get(rateLimitKey("gone"))).value, "written");
  time.advance(10_000);
  await limiter.hit("brief", { limit: 5, windowMs: 100 });
  time.advance(200);
  await limiter.flush();
  equal((await kv.get(rateLimitKey("brief"))).value, null, "empty by the time it was written");
  equal(limiter.size, 0, "both windows have emptied and left memory");
  await limiter.close();
  kv.close();
});

Deno.test("a changed policy applies at once to a window in memory", async () => {
  const kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv);
  equal(await allowedOf(limiter, "p", 10), 10);
  const tighter = { limit: 12, windowMs: 10_000 };
  const decisions = await Promise.all(Array.from({ length: 5 }, () => limiter.hit("p", tighter)));
  equal(decisions.filter((d) => d.allowed).length, 2);
  await limiter.close();
  kv.close();
});

function failingKv(mode: "throw" | "hang"): RateLimitKv & { calls: number } {
  const fake = {
    calls: 0,
    getMany() {
      fake.calls++;
      return mode === "throw"
        ? Promise.reject(new Error("KV is broken"))
        : new Promise<never>(() => {});
    },
    atomic() {
      return {
        set() {},
        delete() {},
        commit: () => Promise.reject(new Error("KV is broken")),
      } as unknown as Deno.AtomicOperation;
    },
  };
  return fake as unknown as RateLimitKv & { calls: number };
}

Deno.test("when KV fails, requests are still decided in memory and the failure reported", async () => {
  const reports: string[] = [];
  const limiter = new RateLimiter(failingKv("throw"), {
    flushIntervalMs: 1,
    onError: (what, error) => reports.push(`${what}: ${(error as Error).message}`),
  });
  equal(await allowedOf(limiter, "x", 200), 60, "the limit still holds in memory");
  await limiter.close();
  equal(reports, ["load: KV is broken"], "reports are throttled to one per 10 s");
  ok(limiter.stats.failures >= 2, "the failed write was counted too");
});

Deno.test("a KV read that hangs admits after the load timeout instead of waiting", async () => {
  const reports: string[] = [];
  const limiter = new RateLimiter(failingKv("hang"), {
    loadTimeoutMs: 20,
    onError: (what) => reports.push(what),
  });
  const decision = await limiter.hit("slow", policy);
  ok(decision.allowed);
  equal(reports, ["load"]);
  await limiter.close();
});
