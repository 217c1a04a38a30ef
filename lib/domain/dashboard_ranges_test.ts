import { deepStrictEqual as equal } from "node:assert/strict";
import { chartWindow } from "./dashboard_ranges.ts";

const now = new Date("2024-05-01T12:00:00Z");

Deno.test("chartWindow defaults to the last 24 hours in hours", () => {
  const w = chartWindow(null, null, now);
  equal([w.range, w.bucket, w.from.toISOString(), w.to, w.note], [
    "24h",
    "hour",
    "2024-04-30T12:00:00.000Z",
    now,
    undefined,
  ]);
});

Deno.test("chartWindow ignores unknown ranges and buckets", () => {
  const w = chartWindow("2y", "week", now);
  equal([w.range, w.bucket], ["24h", "hour"]);
});

Deno.test("chartWindow coarsens a bucket too fine for the range", () => {
  const w = chartWindow("30d", "minute", now);
  equal(w.bucket, "hour");
  equal(typeof w.note, "string");
  equal(chartWindow("1h", "minute", now).bucket, "minute");
  equal(chartWindow("365d", "minute", now).bucket, "hour");
});
