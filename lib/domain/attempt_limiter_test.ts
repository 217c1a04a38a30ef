import { deepStrictEqual as equal } from "node:assert/strict";
import { AttemptLimiter, SignInLimits } from "./attempt_limiter.ts";

Deno.test("a key is refused after max failures until its window ends", () => {
  let now = 0;
  const limiter = new AttemptLimiter({ max: 3, windowMs: 60_000 }, () => now);
  for (let i = 0; i < 3; i++) {
    equal(limiter.retryAfterSeconds("a"), 0);
    limiter.fail("a");
  }
  equal(limiter.retryAfterSeconds("a"), 60);
  equal(limiter.retryAfterSeconds("b"), 0);
  now = 59_500;
  equal(limiter.retryAfterSeconds("a"), 1);
  now = 60_000;
  equal(limiter.retryAfterSeconds("a"), 0);
  limiter.fail("a");
  equal(limiter.retryAfterSeconds("a"), 0);
});

Deno.test("reset clears a key; the table stays bounded", () => {
  const limiter = new AttemptLimiter({ max: 1, windowMs: 1000 }, () => 0, 2);
  limiter.fail("a");
  equal(limiter.retryAfterSeconds("a"), 1);
  limiter.reset("a");
  equal(limiter.retryAfterSeconds("a"), 0);
  for (const key of ["x", "y", "z"]) limiter.fail(key);
  equal(limiter.retryAfterSeconds("z"), 1);
});

Deno.test("sign-in limits count per email (any case) and per address", () => {
  const limits = new SignInLimits(() => 0);
  for (let i = 0; i < 5; i++) limits.failed("Ops@Example.com", `10.0.0.${i}`);
  equal(limits.retryAfterSeconds("ops@example.com", "10.0.0.99") > 0, true);
  limits.succeeded("OPS@example.com");
  equal(limits.retryAfterSeconds("ops@example.com", "10.0.0.99"), 0);
  for (let i = 0; i < 20; i++) limits.failed(`user${i}@example.com`, "10.9.9.9");
  equal(limits.retryAfterSeconds("new@example.com", "10.9.9.9") > 0, true);
});
