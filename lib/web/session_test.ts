import { deepStrictEqual as equal } from "node:assert/strict";
import { readCookie, safeNext } from "./session.ts";

Deno.test("safeNext keeps same-site paths only", () => {
  equal(safeNext("/apps/app_1?range=7d"), "/apps/app_1?range=7d");
  for (const bad of [null, "", "//evil.example", "/\\evil.example", "https://evil.example", "x"]) {
    equal(safeNext(bad), "/", String(bad));
  }
});

Deno.test("readCookie finds one cookie among several", () => {
  const req = new Request("http://x/", { headers: { cookie: "a=1; hartslag_session=hss_x; b=2" } });
  equal(readCookie(req, "hartslag_session"), "hss_x");
  equal(readCookie(req, "missing"), undefined);
});
