import { deepStrictEqual as equal } from "node:assert/strict";
import { checkInKind, parseCheckInLines, readCheckIn, splitJsonTexts } from "./checkins.ts";

Deno.test("kind: start in any case starts, everything else finishes", () => {
  equal(["start", "Start", " START ", "finish", "Finish", "stop", undefined, 1].map(checkInKind), [
    "start",
    "start",
    "start",
    "finish",
    "finish",
    "finish",
    "finish",
    "finish",
  ]);
});

Deno.test("the AppSignal docs' one-line example with objects separated by spaces", () => {
  const body = '{"name": "job", "kind": "start", "timestamp": 1700000000, "id": "r1"} ' +
    '{"name": "job", "timestamp": 1700000060, "id": "r1"}';
  const parsed = parseCheckInLines(body);
  equal(parsed, {
    ok: true,
    checkIns: [
      { name: "job", kind: "start", runId: "r1", at: new Date(1_700_000_000_000) },
      { name: "job", kind: "finish", runId: "r1", at: new Date(1_700_000_060_000) },
    ],
  });
});

Deno.test("NDJSON lines, blank lines skipped, RFC 3339 timestamps", () => {
  const parsed = parseCheckInLines(
    '{"name":"a"}\n\n{"name":"b","kind":"START","timestamp":"2024-01-17T10:30:00Z"}\r\n',
  );
  equal(parsed.ok && parsed.checkIns.map((c) => [c.name, c.kind, c.at?.toISOString() ?? null]), [
    ["a", "finish", null],
    ["b", "start", "2024-01-17T10:30:00.000Z"],
  ]);
});

Deno.test("a bad line fails the body and is named", () => {
  equal(parseCheckInLines('{"name":"a"}\n{"kind":"start"}'), {
    ok: false,
    line: 2,
    message: "name is required and must be a string",
  });
  equal(parseCheckInLines('{"name":"a"}\n{"name":"b",}').ok, false);
  equal(parseCheckInLines('{"name":"a"} x').ok, false);
  equal(parseCheckInLines('["name"]'), {
    ok: false,
    line: 1,
    message: "each check-in must be a JSON object",
  });
  equal(parseCheckInLines('{"name":"a","timestamp":"soon"}').ok, false);
  equal(parseCheckInLines(""), { ok: false, line: 1, message: "no check-ins in the body" });
});

Deno.test("splitting respects strings with braces and escaped quotes", () => {
  equal(splitJsonTexts('{"name":"a}{\\""} {"name":"b"}'), ['{"name":"a}{\\""}', '{"name":"b"}']);
  equal(splitJsonTexts('{"a":1'), undefined);
});

Deno.test("URL-parameter check-ins use the same rules", () => {
  equal(readCheckIn({ name: "job", kind: "Start", id: "x" }), {
    ok: true,
    checkIn: { name: "job", kind: "start", runId: "x", at: null },
  });
  equal(readCheckIn({ name: "" }).ok, false);
});
