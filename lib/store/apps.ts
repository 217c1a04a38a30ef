import type { Kysely } from "kysely";
import type { Schema } from "./schema.ts";

export interface App {
  id: string;
  name: string;
  timezone: string;
  createdAt: Date;
}

const columns = ["id", "name", "timezone", "created_at"] as const;

function toApp(row: { id: string; name: string; timezone: string; created_at: Date }): App {
  return { id: row.id, name: row.name, timezone: row.timezone, createdAt: row.created_at };
}

export async function insertApp(
  db: Kysely<Schema>,
  app: { id: string; name: string; timezone: string; tokenDigest: string },
): Promise<App> {
  const row = await db.insertInto("apps")
    .values({ id: app.id, name: app.name, timezone: app.timezone, token_digest: app.tokenDigest })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toApp(row);
}

export async function findApp(db: Kysely<Schema>, appId: string): Promise<App | undefined> {
  const row = await db.selectFrom("apps").select(columns).where("id", "=", appId)
    .executeTakeFirst();
  return row && toApp(row);
}

export async function findAppByTokenDigest(
  db: Kysely<Schema>,
  digest: string,
): Promise<App | undefined> {
  const row = await db.selectFrom("apps").select(columns).where("token_digest", "=", digest)
    .executeTakeFirst();
  return row && toApp(row);
}

export async function listApps(db: Kysely<Schema>): Promise<App[]> {
  const rows = await db.selectFrom("apps").select(columns).orderBy("name").orderBy("id")
    .execute();
  return rows.map(toApp);
}

/** Replaces the app's token digest; returns false when the app does not exist. */
export async function replaceTokenDigest(
  db: Kysely<Schema>,
  appId: string,
  digest: string,
): Promise<boolean> {
  const result = await db.updateTable("apps").set({ token_digest: digest })
    .where("id", "=", appId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
