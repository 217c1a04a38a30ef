import { deepStrictEqual as equal, ok, throws } from "node:assert/strict";
import { ConfigError, readConfig } from "./config.ts";

Deno.test("defaults follow API.md", () => {
  const config = readConfig({});
  equal(config.port, 8000);
  equal(config.dataDir, "./data");
  equal(config.databaseUrl, undefined);
  equal(config.adminToken, undefined);
  ok(Object.isFrozen(config));
});

Deno.test("every bad variable is named at once", () => {
  throws(
    () =>
      readConfig({
        PORT: "eighty",
        DATABASE_URL: "mysql://localhost/x",
        HARTSLAG_BASE_URL: "not a url",
      }),
    (error: Error) =>
      error instanceof ConfigError && ["PORT", "DATABASE_URL", "HARTSLAG_BASE_URL"]
        .every((name) => error.message.includes(name)),
  );
  throws(() => readConfig({ HARTSLAG_ADMIN_EMAIL: "ops@example.com" }), ConfigError);
});

Deno.test("the base URL loses its trailing slash; empty variables count as unset", () => {
  const config = readConfig({ HARTSLAG_BASE_URL: "https://hb.example.com/", DATABASE_URL: "" });
  equal(config.baseUrl, "https://hb.example.com");
  equal(config.databaseUrl, undefined);
});

Deno.test("operations settings: metrics token, access log share, retention, shared KV", () => {
  const defaults = readConfig({});
  equal(defaults.metricsToken, undefined);
  equal(defaults.accessLogSample, 0);
  equal(defaults.retention, { eventsDays: undefined, batchSize: 5000 });
  equal(defaults.kvUrl, undefined);
  equal(defaults.shutdownTimeoutMs, 30_000);
  const set = readConfig({
    HARTSLAG_METRICS_TOKEN: "scrape",
    HARTSLAG_ACCESS_LOG: "0.25",
    HARTSLAG_EVENTS_RETENTION_DAYS: "90",
    HARTSLAG_RETENTION_BATCH: "500",
    HARTSLAG_KV_URL: "https://kv.example.com",
    DENO_KV_ACCESS_TOKEN: "kv-secret",
  });
  equal(set.metricsToken, "scrape");
  equal(set.accessLogSample, 0.25);
  equal(set.retention, { eventsDays: 90, batchSize: 500 });
  equal(set.kvUrl, "https://kv.example.com");
  equal(readConfig({ HARTSLAG_ACCESS_LOG: "all" }).accessLogSample, 1);
  throws(() => readConfig({ HARTSLAG_KV_URL: "https://kv.example.com" }), /DENO_KV_ACCESS_TOKEN/);
  throws(
    () =>
      readConfig({
        HARTSLAG_ACCESS_LOG: "sometimes",
        HARTSLAG_EVENTS_RETENTION_DAYS: "-1",
        HARTSLAG_KV_URL: "file:///tmp/kv",
      }),
    (error: Error) =>
      ["HARTSLAG_ACCESS_LOG", "HARTSLAG_EVENTS_RETENTION_DAYS", "HARTSLAG_KV_URL"]
        .every((name) => error.message.includes(name)),
  );
});
