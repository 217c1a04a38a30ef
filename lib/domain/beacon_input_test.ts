import { deepStrictEqual as equal } from "node:assert/strict";
import {
  beaconChangeBody,
  beaconTokenShape,
  beaconValueFromBody,
  beaconValueFromQuery,
  newBeaconBody,
} from "./beacon_input.ts";
import { newSecret } from "./ids.ts";
import { parseIdempotencyKey } from "./idempotency.ts";

Deno.test("beacon values: finite numbers (or numeric strings), anything else is no value", () => {
  equal(beaconValueFromBody('{"value": 42}'), 42);
  equal(beaconValueFromBody('{"value": -1.5e3, "other": true}'), -1500);
  equal(beaconValueFromBody('{"value": "7.25"}'), 7.25);
  for (
    const junk of [
      "",
      "42",
      "null",
      "[1]",
      '{"value": 1e999}',
      '{"value": "NaN"}',
      '{"value": "0x10"}',
      '{"value": true}',
      '{"value": null}',
      '{"value": ',
      "\u0000\u00ff",
      "{}",
    ]
  ) {
    equal(beaconValueFromBody(junk), null, JSON.stringify(junk));
  }
  equal(beaconValueFromQuery("3"), 3);
  equal(beaconValueFromQuery(null), null);
  equal(beaconValueFromQuery("Infinity"), null);
});

Deno.test("new beacon bodies: a name and an optional limit", () => {
  equal(newBeaconBody.parse({ name: "  signup " }), { name: "signup" });
  equal(newBeaconBody.parse({ name: "s", limit: { count: 5, window_s: 60 } }).limit, {
    count: 5,
    window_s: 60,
  });
  for (
    const bad of [
      {},
      { name: "" },
      { name: "x".repeat(256) },
      { name: "a\u0000b" },
      { name: "x", limit: { count: 0, window_s: 10 } },
      { name: "x", limit: { count: 5 } },
      { name: "x", limit: { count: 5, window_s: 10, extra: 1 } },
      { name: "x", limit: { count: 1.5, window_s: 10 } },
    ]
  ) {
    equal(newBeaconBody.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

Deno.test("beacon changes: a name, a limit, null for the default limit, not nothing", () => {
  equal(beaconChangeBody.parse({ name: " renamed " }), { name: "renamed" });
  equal(beaconChangeBody.parse({ limit: { count: 5, window_s: 60 } }), {
    limit: { count: 5, window_s: 60 },
  });
  equal(beaconChangeBody.parse({ limit: null }), { limit: null });
  for (
    const bad of [
      {},
      { unknown: 1 },
      { name: "" },
      { name: null },
      { name: "x".repeat(256) },
      { name: "a\u0000b" },
      { limit: { count: 0, window_s: 10 } },
      { limit: { count: 5 } },
      { limit: { count: 5, window_s: 10, extra: 1 } },
      { limit: { count: 5, window_s: 86_401 } },
      { limit: "60/10" },
      null,
      [],
    ]
  ) {
    equal(beaconChangeBody.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

Deno.test("beacon tokens from newSecret have the recognised shape", () => {
  equal(beaconTokenShape.test(newSecret("beet")), true);
  equal(beaconTokenShape.test("favicon.ico"), false);
  equal(beaconTokenShape.test(`beet_${"a".repeat(100)}`), false);
});

Deno.test("Idempotency-Key: plain or quoted, printable ASCII, at most 255", () => {
  equal(parseIdempotencyKey(null), { ok: true, key: null });
  equal(parseIdempotencyKey(" order-42 "), { ok: true, key: "order-42" });
  equal(parseIdempotencyKey('"8e03978e-40d5"'), { ok: true, key: "8e03978e-40d5" });
  equal(parseIdempotencyKey('"a\\"b"'), { ok: true, key: 'a"b' });
  for (const bad of ["", '""', "x".repeat(256), "caf\u00e9", "a\tb"]) {
    equal(parseIdempotencyKey(bad).ok, false, JSON.stringify(bad));
  }
});
