import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { type Migration, Migrator } from "kysely/migration";
import { PGliteDialect } from "kysely-pglite-dialect";
import postgres from "postgres";
import { PostgresPoolDialect } from "./postgres_driver.ts";
import type { Schema } from "./schema.ts";

export type DatabaseKind = "postgres" | "embedded";

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Schema>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent the embedded database in `dataDir` is used. */
  url?: string;
  dataDir: string;
  /** Connections to PostgreSQL: the writer keeps several batches in flight. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      connection: { TimeZone: "UTC", application_name: "hartslag" },
      onnotice: () => {},
      connect_timeout: 5,
    });
    const db = new Kysely<Schema>({ dialect: new PostgresPoolDialect(client) });
    return { kind: "postgres", db, close: () => db.destroy() };
  }
  await Deno.mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(`${options.dataDir}/pg`);
  await pglite.exec("set timezone = 'UTC'");
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
  return { kind: "embedded", db, close: () => db.destroy() };
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrate(
  db: Kysely<Schema>,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: "schema_migrations",
    migrationLockTableName: "schema_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
