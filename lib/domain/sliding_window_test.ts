import { deepStrictEqual as equal, ok, throws } from "node:assert/strict";
import {
  granuleFor,
  headerSeconds,
  rateLimitHeaders,
  SlidingWindow,
  type WindowSnapshot,
} from "./sliding_window.ts";

const beacon = { limit: 60, windowMs: 10_000 };

function admitted(window: SlidingWindow, times: number[]): number {
  return times.filter((t) => window.hit(t).allowed).length;
}

Deno.test("a burst admits exactly the limit, and refused requests are not counted", () => {
  const w = new SlidingWindow(beacon);
  equal(admitted(w, Array(200).fill(1_000)), 60);
  equal(w.count(1_000), 60);
  const refused = w.hit(1_000);
  equal(refused.allowed, false);
  equal(refused.remaining, 0);
  equal(refused.retryAfterMs, 10_000);
});

Deno.test("the window slides: a request leaves exactly windowMs after it was counted", () => {
  const w = new SlidingWindow({ limit: 2, windowMs: 10_000 });
  ok(w.hit(0).allowed);
  ok(w.hit(4_000).allowed);
  const refused = w.hit(9_999);
  equal(refused.allowed, false);
  equal(refused.retryAfterMs, 1);
  ok(w.hit(10_000).allowed, "the request at 0 left at 10 000");
  equal(w.hit(13_999).allowed, false);
  ok(w.hit(14_000).allowed);
});

Deno.test("never more than the limit in any window, for random traffic", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (const policy of [beacon, { limit: 5_000, windowMs: 60_000 }, { limit: 3, windowMs: 50 }]) {
    const w = new SlidingWindow(policy);
    const accepted: number[] = [];
    let t = 1_700_000_000_000;
    for (let i = 0; i < 30_000; i++) {
      t += Math.floor(random() * random() * policy.windowMs / Math.min(policy.limit, 100));
      if (w.hit(t).allowed) accepted.push(t);
    }
    // Every run of `limit + 1` admitted requests spans more than the window.
    for (let i = policy.limit; i < accepted.length; i++) {
      ok(
        accepted[i] - accepted[i - policy.limit] >= policy.windowMs,
        `${policy.limit + 1} requests within ${policy.windowMs} ms`,
      );
    }
    ok(accepted.length > policy.limit, "traffic was admitted over time");
  }
});

Deno.test("small limits are exact: a refused request is refused only when the window is full", () => {
  const w = new SlidingWindow(beacon);
  const accepted: number[] = [];
  for (let t = 0; t < 60_000; t += 97) {
    const decision = w.hit(t);
    const inWindow = accepted.filter((a) => a > t - beacon.windowMs).length;
    equal(decision.allowed, inWindow < beacon.limit, `at ${t}`);
    if (decision.allowed) accepted.push(t);
  }
});

Deno.test("large limits use at most ~1000 buckets and may refuse only slightly early", () => {
  const policy = { limit: 100_000, windowMs: 60_000 };
  equal(granuleFor(policy), 60);
  equal(granuleFor(beacon), 1);
  const w = new SlidingWindow(policy);
  for (let t = 0; t < 120_000; t += 1) w.hit(t);
  ok(w.snapshot(120_000).b.length <= 2 * 1_001);
});

Deno.test("retry-after and reset count from the bucket that must leave", () => {
  const w = new SlidingWindow({ limit: 3, windowMs: 1_000 });
  w.hit(100);
  w.hit(200);
  const third = w.hit(300);
  equal(third.remaining, 0);
  equal(third.resetMs, 800, "the request at 100 leaves at 1100");
  const refused = w.hit(500);
  equal(refused.retryAfterMs, 600);
  equal(w.peek(1_100).allowed, true);
  equal(w.peek(1_100).remaining, 1);
});

Deno.test("a lowered limit waits until enough requests have left", () => {
  const w = new SlidingWindow({ limit: 5, windowMs: 1_000 });
  for (const t of [0, 100, 200, 300, 400]) w.hit(t);
  w.setPolicy({ limit: 2, windowMs: 1_000 });
  const refused = w.hit(500);
  equal(refused.allowed, false);
  equal(refused.retryAfterMs, 800, "three must leave: the one at 200 leaves at 1200");
});

Deno.test("snapshots restore the same window, across a granule change too", () => {
  const w = new SlidingWindow(beacon);
  admitted(w, [1_000, 1_000, 2_500, 9_000]);
  const snapshot = w.snapshot(9_000);
  equal(Array.from(snapshot.b), [1_000, 2, 2_500, 1, 9_000, 1]);
  const back = new SlidingWindow(beacon, snapshot);
  equal(back.count(9_000), 4);
  equal(back.count(11_000), 2);
  const coarse = new SlidingWindow({ limit: 5_000, windowMs: 10_000 }, snapshot);
  equal(coarse.granuleMs, 10);
  equal(coarse.count(9_000), 4);
  equal(coarse.count(11_000), 4, "kept at least as long as before");
  equal(coarse.count(11_010), 2, "and at most one granule longer");
});

Deno.test("junk snapshots are ignored rather than trusted", () => {
  const junk: WindowSnapshot[] = [
    { g: 0, b: [1, 1] },
    { g: 1, b: [1] },
    { g: 1, b: [1, -5, 2, 1.5, 3, Number.NaN] },
  ];
  for (const snapshot of junk) equal(new SlidingWindow(beacon, snapshot).count(3), 0);
  throws(() => new SlidingWindow({ limit: 0, windowMs: 1 }));
  throws(() => new SlidingWindow({ limit: 1, windowMs: 0.5 }));
});

Deno.test("a clock that steps back still counts every request", () => {
  const w = new SlidingWindow({ limit: 3, windowMs: 1_000 });
  w.hit(5_000);
  w.hit(4_000);
  w.hit(4_500);
  equal(w.hit(5_000).allowed, false);
  equal(w.count(5_000), 3);
});

Deno.test("headers: draft RateLimit fields, Retry-After only when refused, never early", () => {
  equal(headerSeconds(1), 1);
  equal(headerSeconds(0), 0);
  const w = new SlidingWindow({ limit: 1, windowMs: 10_000 });
  equal(rateLimitHeaders(w.hit(0), w.policy), {
    "ratelimit-limit": "1",
    "ratelimit-remaining": "0",
    "ratelimit-reset": "10",
    "ratelimit-policy": "1;w=10",
  });
  equal(rateLimitHeaders(w.hit(2_500), w.policy), {
    "ratelimit-limit": "1",
    "ratelimit-remaining": "0",
    "ratelimit-reset": "8",
    "ratelimit-policy": "1;w=10",
    "retry-after": "8",
  });
});

Deno.test("expiresInMs tells how long a snapshot is worth keeping", () => {
  const w = new SlidingWindow(beacon);
  equal(w.expiresInMs(0), 0);
  w.hit(1_000);
  w.hit(3_000);
  equal(w.expiresInMs(3_000), 10_000);
  equal(w.expiresInMs(13_000), 0);
});

Deno.test("coarse snapshots are small and restore a window that holds at least as long", () => {
  const w = new SlidingWindow(beacon);
  const times = Array.from({ length: 60 }, (_, i) => 1_000 + i * 137);
  admitted(w, times);
  const coarse = w.snapshot(9_000, 20);
  equal(coarse.g, 500);
  ok(coarse.b.length <= 2 * 21, `${coarse.b.length / 2} buckets`);
  const back = new SlidingWindow(beacon, coarse);
  const exact = (t: number) => times.filter((x) => x > t - beacon.windowMs).length;
  for (let t = 9_000; t < 30_000; t += 50) {
    ok(back.count(t) >= exact(t), `never shorter, at ${t}`);
    ok(back.count(t) <= exact(t - 499), `at most one merged bucket longer, at ${t}`);
  }
  equal(back.count(21_000), 0);
});
