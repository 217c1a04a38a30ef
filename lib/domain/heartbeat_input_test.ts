import { deepStrictEqual as equal } from "node:assert/strict";
import { validateHeartbeat } from "./heartbeat_input.ts";
import { laravelValidationBody } from "./laravel_errors.ts";
import { jsonInteger, parseInt64 } from "./integers.ts";

Deno.test("defaults: weight 1, no user, time of receipt", () => {
  equal(validateHeartbeat({ event: "user-login" }), {
    ok: true,
    value: { event: "user-login", weight: 1n, userId: null, createdAt: null },
  });
});

Deno.test("strings are trimmed as Laravel's TrimStrings does, empty ones become null", () => {
  const result = validateHeartbeat({ event: "\u200B x \uFEFF", weight: " 7 ", user_id: "" });
  equal(result, { ok: true, value: { event: "x", weight: 7n, userId: null, createdAt: null } });
  equal(validateHeartbeat({ event: " \t " }), {
    ok: false,
    errors: { event: ["The event field is required."] },
  });
});

Deno.test("whitespace on one edge only is trimmed too; inner and non-space edges are kept", () => {
  const events = ["x\u00A0", "\u3000x", "x\n", "a  b", "été", "x"];
  equal(
    events.map((event) => {
      const result = validateHeartbeat({ event });
      return result.ok ? result.value.event : result.errors;
    }),
    ["x", "x", "x", "a  b", "été", "x"],
  );
});

Deno.test("255 characters are counted as characters, not UTF-16 units", () => {
  equal(validateHeartbeat({ event: "😀".repeat(255) }).ok, true);
  equal(validateHeartbeat({ event: "😀".repeat(256) }).ok, false);
});

Deno.test("a body that is not an object has no fields", () => {
  for (const body of [null, [], "event", 5]) {
    equal(validateHeartbeat(body), {
      ok: false,
      errors: { event: ["The event field is required."] },
    });
  }
});

Deno.test("the Laravel message counts every other message", () => {
  equal(laravelValidationBody({ a: ["A."] }).message, "A.");
  equal(laravelValidationBody({ a: ["A."], b: ["B."] }).message, "A. (and 1 more error)");
  equal(laravelValidationBody({ a: ["A.", "A2."], b: ["B."] }).message, "A. (and 2 more errors)");
});

Deno.test("64-bit integers as PHP's FILTER_VALIDATE_INT reads them", () => {
  equal(parseInt64(9223372036854775807n), 9223372036854775807n);
  equal(parseInt64(9223372036854775808n), undefined);
  equal(parseInt64("-9223372036854775808"), -9223372036854775808n);
  equal(parseInt64("+5"), 5n);
  equal(parseInt64("05"), undefined);
  equal(parseInt64("5.0"), undefined);
  equal(parseInt64(5.5), undefined);
  equal(parseInt64(2 ** 53), undefined);
  equal(parseInt64(true), undefined);
  equal(jsonInteger("9007199254740991"), 9007199254740991);
  equal(jsonInteger("9007199254740992"), "9007199254740992");
  equal(jsonInteger("-9007199254740992"), "-9007199254740992");
});
