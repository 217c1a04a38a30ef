import { type Kysely, sql } from "kysely";

// When an app or a beacon changes (a token rotated, a beacon deleted), every instance on
// this database hears of it at once (LISTEN hartslag_tokens) and drops it from its token
// cache, instead of trusting the cached answer until it expires. Payload: `<kind>:<id>`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function hartslag_notify_token() returns trigger language plpgsql as $$
    declare
      changed text;
    begin
      if tg_op = 'DELETE' then changed := old.id; else changed := new.id; end if;
      perform pg_notify('hartslag_tokens', tg_argv[0] || ':' || changed);
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger apps_token_notice after update or delete on apps
    for each row execute function hartslag_notify_token('app')`.execute(db);
  await sql`
    create trigger beacons_token_notice after update or delete on beacons
    for each row execute function hartslag_notify_token('beacon')`.execute(db);
}
