import { deepStrictEqual as equal } from "node:assert/strict";
import { applyTokenNotice, bearerToken } from "./app_tokens.ts";

Deno.test("a token notice goes to the cache of its kind; others are ignored", () => {
  const evicted: string[] = [];
  const handlers = new Map([["app", (id: string) => evicted.push(`app ${id}`)]]);
  for (const payload of ["app:app_1", "beacon:bcn_2", "app:", "junk", ":app_3", "app:a:b"]) {
    applyTokenNotice(payload, handlers);
  }
  equal(evicted, ["app app_1", "app ", "app a:b"]);
});

Deno.test("bearer tokens are read from the Authorization header", () => {
  equal(bearerToken("Bearer hs_abc"), "hs_abc");
  equal(bearerToken("bearer  hs_abc "), "hs_abc");
  equal(bearerToken("Basic hs_abc"), undefined);
  equal(bearerToken(null), undefined);
});
