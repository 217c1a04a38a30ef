import { deepStrictEqual as equal, throws } from "node:assert/strict";
import { ConfigError, readConfig } from "./config.ts";

Deno.test("rate limits: beacons 60 per 10 s, apps a generous default, both configurable", () => {
  equal(readConfig({}).rateLimits, {
    beacon: { limit: 60, windowMs: 10_000 },
    app: { limit: 100_000, windowMs: 60_000 },
  });
  const tuned = readConfig({
    HARTSLAG_BEACON_RATE_LIMIT: "10",
    HARTSLAG_BEACON_RATE_WINDOW_S: "1",
    HARTSLAG_APP_RATE_LIMIT: "500",
    HARTSLAG_APP_RATE_WINDOW_S: "3600",
  });
  equal(tuned.rateLimits, {
    beacon: { limit: 10, windowMs: 1_000 },
    app: { limit: 500, windowMs: 3_600_000 },
  });
  equal(readConfig({ HARTSLAG_APP_RATE_LIMIT: "off" }).rateLimits.app, null);
  equal(readConfig({ HARTSLAG_APP_RATE_LIMIT: " OFF " }).rateLimits.app, null);
  equal(readConfig({ HARTSLAG_APP_RATE_LIMIT: "0" }).rateLimits.app, null);
});

Deno.test("rate limits: bad values are named", () => {
  for (
    const [name, value] of [
      ["HARTSLAG_BEACON_RATE_LIMIT", "0"],
      ["HARTSLAG_BEACON_RATE_LIMIT", "off"],
      ["HARTSLAG_BEACON_RATE_WINDOW_S", "1.5"],
      ["HARTSLAG_APP_RATE_LIMIT", "lots"],
      ["HARTSLAG_APP_RATE_WINDOW_S", "0"],
      ["HARTSLAG_APP_RATE_WINDOW_S", "100000"],
    ]
  ) {
    throws(
      () => readConfig({ [name]: value }),
      (error: Error) => error instanceof ConfigError && error.message.includes(name),
      `${name}=${value}`,
    );
  }
});
