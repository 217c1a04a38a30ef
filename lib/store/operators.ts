import { type Kysely, sql } from "kysely";
import { newId, newSecret, secretDigest } from "../domain/ids.ts";
import { hashPassword, verifyPassword } from "../domain/passwords.ts";
import type { Schema } from "./schema.ts";

export interface Operator {
  id: string;
  email: string;
}

export interface OperatorWithHash extends Operator {
  passwordHash: string;
}

export async function findOperatorByEmail(
  db: Kysely<Schema>,
  email: string,
): Promise<OperatorWithHash | undefined> {
  const row = await db.selectFrom("operators").select(["id", "email", "password_hash"])
    .where(sql<string>`lower(email)`, "=", email.trim().toLowerCase())
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, passwordHash: row.password_hash };
}

/**
 * Makes sure an operator with this email signs in with this password: creates them, or
 * resets their password (ending their sessions) when it differs. Returns what it did.
 */
export async function ensureOperator(
  db: Kysely<Schema>,
  email: string,
  password: string,
  hash: (password: string) => Promise<string> = hashPassword,
): Promise<"created" | "reset" | "unchanged"> {
  const existing = await findOperatorByEmail(db, email);
  if (existing && await verifyPassword(password, existing.passwordHash)) return "unchanged";
  const passwordHash = await hash(password);
  if (existing) {
    await db.transaction().execute(async (trx) => {
      await trx.updateTable("operators")
        .set({ password_hash: passwordHash, password_changed_at: new Date() })
        .where("id", "=", existing.id).execute();
      await trx.deleteFrom("operator_sessions").where("operator_id", "=", existing.id).execute();
    });
    return "reset";
  }
  await db.insertInto("operators")
    .values({ id: newId("op"), email: email.trim(), password_hash: passwordHash })
    .execute();
  return "created";
}

export interface Session {
  operator: Operator;
  csrfToken: string;
  expiresAt: Date;
}

export const SESSION_LIFETIME_MS = 14 * 86_400_000;

/** Starts a session; the returned token goes into the cookie and is stored only as a digest. */
export async function createSession(
  db: Kysely<Schema>,
  operatorId: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret("hss");
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await db.insertInto("operator_sessions").values({
    token_digest: secretDigest(token),
    operator_id: operatorId,
    csrf_token: newSecret("csrf"),
    expires_at: expiresAt,
  }).execute();
  // Expired sessions are removed as new ones start.
  await db.deleteFrom("operator_sessions").where("expires_at", "<=", now).execute();
  return { token, expiresAt };
}

export async function findSession(
  db: Kysely<Schema>,
  token: string,
  now: Date,
): Promise<Session | undefined> {
  const row = await db.selectFrom("operator_sessions as s")
    .innerJoin("operators as o", "o.id", "s.operator_id")
    .select(["o.id", "o.email", "s.csrf_token", "s.expires_at"])
    .where("s.token_digest", "=", secretDigest(token))
    .where("s.expires_at", ">", now)
    .executeTakeFirst();
  return row && {
    operator: { id: row.id, email: row.email },
    csrfToken: row.csrf_token,
    expiresAt: new Date(row.expires_at),
  };
}

export async function deleteSession(db: Kysely<Schema>, token: string): Promise<void> {
  await db.deleteFrom("operator_sessions")
    .where("token_digest", "=", secretDigest(token)).execute();
}
