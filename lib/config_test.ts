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
