import { deepStrictEqual as equal } from "node:assert/strict";
import { formatCompact, formatDateTime, formatInteger } from "./format.ts";

Deno.test("formatInteger groups digits exactly, beyond doubles too", () => {
  equal(formatInteger("0"), "0");
  equal(formatInteger(1234567), "1,234,567");
  equal(formatInteger("-9223372036854775808"), "-9,223,372,036,854,775,808");
  equal(formatInteger("18446744073709551614"), "18,446,744,073,709,551,614");
  equal(formatInteger("not a number"), "not a number");
});

Deno.test("formatCompact shortens large counts", () => {
  equal(formatCompact(999), "999");
  equal(formatCompact(1234), "1.2k");
  equal(formatCompact("5600000"), "5.6M");
  equal(formatCompact(250_000), "250k");
  equal(formatCompact(-1500), "-1.5k");
});

Deno.test("formatDateTime shows the app's local time", () => {
  const t = new Date("2024-01-17T10:30:00Z");
  equal(formatDateTime(t, "UTC"), "17 Jan 2024, 10:30");
  equal(formatDateTime(t, "Asia/Kathmandu"), "17 Jan 2024, 16:15");
});
