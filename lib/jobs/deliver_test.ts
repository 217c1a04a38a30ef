import { deepStrictEqual as equal } from "node:assert/strict";
import { type DeliveryOptions, retryAt } from "./deliver.ts";

Deno.test("retries back off exponentially, capped at an hour, and stop after the attempts", () => {
  const options: DeliveryOptions = {
    instance: "x",
    timeoutMs: 1_000,
    retryMs: 5_000,
    maxAttempts: 20,
    smtp: undefined,
    baseUrl: undefined,
  };
  const now = new Date("2024-01-01T00:00:00Z");
  const wait = (attempt: number) => retryAt(now, attempt, options)!.getTime() - now.getTime();
  equal([1, 2, 3, 4].map(wait), [5_000, 10_000, 20_000, 40_000]);
  equal(wait(15), 3_600_000);
  equal(retryAt(now, 20, options), null);
});
