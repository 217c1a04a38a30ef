import { deepStrictEqual as equal, rejects } from "node:assert/strict";
import { HttpError } from "./http_error.ts";
import { readRequestFields } from "./request_body.ts";

const post = (body: string, type = "application/json") =>
  new Request("http://hartslag.test/", {
    method: "POST",
    headers: { "content-type": type, "content-length": String(new Blob([body]).size) },
    body,
  });

Deno.test("integers beyond 2^53 are kept exact; smaller numbers stay numbers", async () => {
  equal(
    await readRequestFields(post('{"weight":9223372036854775807,"small":42,"f":1.5}'), 1024),
    { weight: 9223372036854775807n, small: 42, f: 1.5 },
  );
  equal(await readRequestFields(post('{"event":"1234567890123456789"}'), 1024), {
    event: "1234567890123456789",
  });
});

Deno.test("JSON nested deeper than PHP's 512 levels is a 400; brackets in strings do not count", async () => {
  const deep = "[".repeat(513) + "]".repeat(513);
  await rejects(readRequestFields(post(deep), 65536), (error: unknown) => {
    equal(error instanceof HttpError && error.status, 400);
    equal((error as HttpError).body.message, "The request body nests deeper than 512 levels.");
    return true;
  });
  const allowed = "[".repeat(512) + "]".repeat(512);
  equal(Array.isArray(await readRequestFields(post(allowed), 65536)), true);
  const inString = JSON.stringify({ event: "[{".repeat(2000) });
  equal(await readRequestFields(post(inString), 65536), { event: "[{".repeat(2000) });
});

Deno.test("a form-encoded body is fields, unless it opens like JSON", async () => {
  const form = "application/x-www-form-urlencoded";
  equal(await readRequestFields(post("event=signup&weight=2", form), 1024), {
    event: "signup",
    weight: "2",
  });
  equal(await readRequestFields(post('{"event":"signup"}', form), 1024), { event: "signup" });
});
