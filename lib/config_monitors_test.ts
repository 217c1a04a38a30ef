import { deepStrictEqual as equal, throws } from "node:assert/strict";
import { ConfigError, readConfig } from "./config.ts";

Deno.test("monitor settings: defaults, SMTP pairs and a sane downtime gap", () => {
  const defaults = readConfig({}).monitors;
  equal(defaults, {
    aliveTickMs: 1_000,
    downtimeGapMs: 3_000,
    pollMs: 5_000,
    alertTimeoutMs: 10_000,
    alertRetryMs: 5_000,
    alertAttempts: 8,
    smtpUrl: undefined,
    smtpFrom: undefined,
  });
  const smtp = readConfig({
    HARTSLAG_SMTP_URL: "smtps://user:pw@mail.example.com:465",
    HARTSLAG_SMTP_FROM: "Hartslag <hb@example.com>",
  }).monitors;
  equal([smtp.smtpUrl, smtp.smtpFrom], [
    "smtps://user:pw@mail.example.com:465",
    "Hartslag <hb@example.com>",
  ]);
  throws(() => readConfig({ HARTSLAG_SMTP_URL: "smtp://localhost" }), ConfigError);
  throws(
    () => readConfig({ HARTSLAG_SMTP_URL: "http://x", HARTSLAG_SMTP_FROM: "a@b" }),
    ConfigError,
  );
  throws(
    () => readConfig({ HARTSLAG_ALIVE_TICK_MS: "5000", HARTSLAG_DOWNTIME_GAP_MS: "3000" }),
    ConfigError,
  );
  throws(() => readConfig({ HARTSLAG_ALERT_ATTEMPTS: "0" }), ConfigError);
});
