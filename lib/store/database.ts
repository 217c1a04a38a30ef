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
   * Runs one of the hot path's batch statements, as a prepared statement where the driver
   * has them. On PostgreSQL they all go to one connection of their own, in order: batches in
   * flight together are pipelined on it, and one warm backend runs them all.
   */
  run(query: CompiledQuery): Promise<void>;
  /**
   * Gives up on the batch connection, failing the statements it holds, and opens another:
   * for a connection that stopped answering, which would hold every later batch too.
   */
  abandonBatchConnection?(): void;
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
  /** Connections to PostgreSQL for everything but the batches (see `run`). */
  poolSize?: number;
  /**
   * PGlite's runtime files, for a single-file build that has none beside PGlite's module;
   * from source PGlite loads them itself.
   */
  pglite?: { wasm: Uint8Array; initdbWasm: Uint8Array; data: Uint8Array };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { url } = options;
  if (url) {
    const connect = (max: number) =>
      postgres(url, {
        max,
        connection: { TimeZone: "UTC", application_name: "hartslag" },
        onnotice: () => {},
        connect_timeout: 5,
      });
    const client = connect(options.poolSize ?? 10);
    // Batches spread over the pool cost PostgreSQL about a fifth more CPU per event than on
    // one connection (measured with bench/ingest.ts): each would wake a colder backend.
    let batches = connect(1);
    const db = new Kysely<Schema>({ dialect: new PostgresPoolDialect(client) });
    return {
      kind: "postgres",
      db,
      async run(query) {
        await batches.unsafe(query.sql, query.parameters as postgres.ParameterOrJSON<never>[], {
          prepare: true,
        });
      },
      abandonBatchConnection() {
        const stuck = batches;
        batches = connect(1);
        stuck.end({ timeout: 0 }).catch(() => {});
      },
      async listen(channel, onMessage) {
        const { unlisten } = await client.listen(channel, onMessage);
        return unlisten;
      },
      async close() {
        // Bounded: queries stuck on a dead connection must not keep the process from exiting.
        await Promise.all([client.end({ timeout: 2 }), batches.end({ timeout: 2 })]);
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
