import { PGlite } from "@electric-sql/pglite";
import { type CompiledQuery, Kysely } from "kysely";
import { type Migration, Migrator } from "kysely/migration";
import { PGliteDialect } from "kysely-pglite-dialect";
import postgres from "postgres";
import { PostgresPoolDialect } from "./postgres_driver.ts";
import type { Schema } from "./schema.ts";

export type DatabaseKind = "postgres" | "embedded";

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Schema>;
  /**
   * Runs one compiled statement on any free connection, as a prepared statement where the
   * driver has them: the hot path's way around Kysely's reserve-a-connection-per-query.
   */
  run(query: CompiledQuery): Promise<void>;
  /**
   * Subscribes to a PostgreSQL NOTIFY channel on a dedicated connection that reconnects by
   * itself; resolves once listening, with the function that stops. Only on PostgreSQL: the
   * embedded database has one process, which needs no messages from others.
   */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent the embedded database in `dataDir` is used. */
  url?: string;
  dataDir: string;
  /** Connections to PostgreSQL: the writer keeps several batches in flight. */
  poolSize?: number;
  /**
   * PGlite's runtime files, for a single-file build that has none beside PGlite's module;
   * from source PGlite loads them itself.
   */
  pglite?: { wasm: Uint8Array; initdbWasm: Uint8Array; data: Uint8Array };
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
    return {
      kind: "postgres",
      db,
      async run(query) {
        await client.unsafe(query.sql, query.parameters as postgres.ParameterOrJSON<never>[], {
          prepare: true,
        });
      },
      async listen(channel, onMessage) {
        const { unlisten } = await client.listen(channel, onMessage);
        return unlisten;
      },
      async close() {
        // Bounded: queries stuck on a dead connection must not keep the process from exiting.
        await client.end({ timeout: 2 });
        await db.destroy();
      },
    };
  }
  await Deno.mkdir(options.dataDir, { recursive: true });
  const runtime = options.pglite;
  const pglite = await PGlite.create(
    `${options.dataDir}/pg`,
    runtime && {
      pgliteWasmModule: await WebAssembly.compile(runtime.wasm as BufferSource),
      initdbWasmModule: await WebAssembly.compile(runtime.initdbWasm as BufferSource),
      fsBundle: new Blob([runtime.data as BlobPart]),
    },
  );
  await pglite.exec("set timezone = 'UTC'");
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: "embedded",
    db,
    async run(query) {
      await db.executeQuery(query);
    },
    close: () => db.destroy(),
  };
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
    // Migrations are numbered per feature; a database that already ran a later number still
    // takes an earlier one that arrived after it.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
