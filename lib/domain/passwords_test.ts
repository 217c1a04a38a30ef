import { deepStrictEqual as equal, ok } from "node:assert/strict";
import {
  hashPassword,
  PBKDF2_ITERATIONS,
  UNKNOWN_OPERATOR_HASH,
  verifyPassword,
} from "./passwords.ts";

Deno.test("passwords are hashed with PBKDF2-SHA256 at 600k iterations by default", async () => {
  ok(PBKDF2_ITERATIONS >= 600_000);
  const hash = await hashPassword("correct horse", 1_000);
  ok(/^pbkdf2-sha256\$1000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/.test(hash), hash);
  equal(await verifyPassword("correct horse", hash), true);
  equal(await verifyPassword("correct horsE", hash), false);
  equal(await verifyPassword("", hash), false);
  ok(hash !== await hashPassword("correct horse", 1_000), "salted");
});

Deno.test("malformed hashes and the unknown-operator hash match nothing", async () => {
  equal(await verifyPassword("x", "plain"), false);
  equal(await verifyPassword("x", "pbkdf2-sha256$0$AA==$AA=="), false);
  equal(await verifyPassword("", UNKNOWN_OPERATOR_HASH), false);
});
