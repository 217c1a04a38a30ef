import { type Kysely, sql } from "kysely";

// When an app's token changes, every instance on this database hears of it at once
// (LISTEN hartslag_tokens) and drops the old token from its cache, instead of accepting it
// until the cache entry expires. Payload: `<kind>:<id>`; other token owners (beacons) can
// notify on the same channel with their own kind.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function hartslag_notify_app_token() returns trigger language plpgsql as $$
    begin
      perform pg_notify('hartslag_tokens', 'app:' || new.id);
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger apps_token_rotated after update of token_digest on apps
    for each row when (old.token_digest is distinct from new.token_digest)
    execute function hartslag_notify_app_token()`.execute(db);
}
