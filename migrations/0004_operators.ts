import { type Kysely, sql } from "kysely";

// Dashboard operators (email + PBKDF2 password hash) and their sessions. Sessions are looked
// up by the SHA-256 digest of the cookie's token, so a database leak does not leak sessions;
// each carries the token forms must echo back (CSRF).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table operators (
      id text primary key,
      email text not null,
      password_hash text not null,
      created_at timestamptz not null default now(),
      password_changed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index operators_by_email on operators (lower(email))`.execute(db);
  await sql`
    create table operator_sessions (
      token_digest text primary key,
      operator_id text not null references operators (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index operator_sessions_by_operator on operator_sessions (operator_id)`
    .execute(db);
  await sql`create index operator_sessions_by_expiry on operator_sessions (expires_at)`
    .execute(db);
}
