import { deepStrictEqual as equal } from "node:assert/strict";
import { parseClientDate } from "./dates.ts";

const iso = (value: unknown) => parseClientDate(value)?.toISOString();

Deno.test("RFC 3339 and ISO 8601, with and without offsets (none means UTC)", () => {
  equal(iso("2024-01-17T10:30:00Z"), "2024-01-17T10:30:00.000Z");
  equal(iso("2024-01-17t10:30:00z"), "2024-01-17T10:30:00.000Z");
  equal(iso("2024-01-17T10:30:00+05:45"), "2024-01-17T04:45:00.000Z");
  equal(iso("2024-01-17T10:30:00-0330"), "2024-01-17T14:00:00.000Z");
  equal(iso("2024-01-17T10:30:00.123456Z"), "2024-01-17T10:30:00.123Z");
  equal(iso("2024-01-17T10:30"), "2024-01-17T10:30:00.000Z");
  equal(iso("2024-01-17 10:30:00"), "2024-01-17T10:30:00.000Z");
  equal(iso("2024-01-17"), "2024-01-17T00:00:00.000Z");
});

Deno.test("Unix seconds as numbers or numeric strings, and RFC 2822", () => {
  equal(iso(1705487400), "2024-01-17T10:30:00.000Z");
  equal(iso("1705487400"), "2024-01-17T10:30:00.000Z");
  equal(iso(1705487400.5), "2024-01-17T10:30:00.500Z");
  equal(iso(0), "1970-01-01T00:00:00.000Z");
  equal(iso("Wed, 17 Jan 2024 10:30:00 +0000"), "2024-01-17T10:30:00.000Z");
});

Deno.test("impossible dates and other text are refused", () => {
  for (
    const bad of [
      "2023-02-29",
      "2024-02-30",
      "2024-13-01",
      "2024-00-10",
      "2024-01-17T24:00:00Z",
      "2024-01-17T10:60:00Z",
      "2024-01-17T10:30:00+25:00",
      "yesterday",
      "",
      "1e10",
      "10000-01-01",
      1e15,
      NaN,
      null,
      true,
      {},
      [],
    ]
  ) {
    equal(parseClientDate(bad), undefined, String(bad));
  }
  equal(iso("2024-02-29"), "2024-02-29T00:00:00.000Z");
  equal(iso("2000-02-29"), "2000-02-29T00:00:00.000Z");
  equal(parseClientDate("1900-02-29"), undefined);
});
