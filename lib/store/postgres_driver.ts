import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import type { Sql, TransactionSql } from "postgres";

const ROLLBACK = Symbol("rollback");
const counted = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

interface OpenTransaction {
  sql: TransactionSql;
  finish: (commit: boolean) => void;
  done: Promise<unknown>;
}

/**
 * A Kysely connection over a postgres.js pool. Single queries go to the pool as postgres.js
 * itself schedules them; a transaction runs inside `sql.begin`, which pins one connection
 * until commit or rollback. Unlike reserving a connection for every query, nothing here
 * can hand a dropped connection back to the pool, so a database outage ends in errors, not
 * in a wedged pool.
 */
class PoolConnection implements DatabaseConnection {
  #tx: OpenTransaction | undefined;

  constructor(private readonly sql: Sql) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const runner = this.#tx?.sql ?? this.sql;
    // deno-lint-ignore no-explicit-any
    const result = await runner.unsafe(query.sql, [...query.parameters] as any[], {
      prepare: true,
    });
    return {
      numAffectedRows: counted.has(result.command) ? BigInt(result.count) : undefined,
      rows: Array.from(result) as R[],
    };
  }

  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    const runner = this.#tx?.sql ?? this.sql;
    // deno-lint-ignore no-explicit-any
    const cursor = runner.unsafe(query.sql, [...query.parameters] as any[]).cursor(chunkSize);
    for await (const rows of cursor) yield { rows: rows as R[] };
  }

  async begin(settings: TransactionSettings): Promise<void> {
    const options = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : "",
      settings.accessMode ?? "",
    ].filter(Boolean).join(" ");
    const started = Promise.withResolvers<void>();
    const decision = Promise.withResolvers<boolean>();
    const done = this.sql.begin(options, async (sql) => {
      this.#tx = { sql, finish: decision.resolve, done };
      started.resolve();
      if (!await decision.promise) throw ROLLBACK;
    });
    done.catch(() => {}); // settled through commit/rollback; a failed BEGIN through the race
    await Promise.race([started.promise, done]);
  }

  async end(commit: boolean): Promise<void> {
    const tx = this.#tx;
    this.#tx = undefined;
    if (!tx) return;
    tx.finish(commit);
    try {
      await tx.done;
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
  }
}

class PoolDriver implements Driver {
  constructor(private readonly sql: Sql) {}
  async init(): Promise<void> {}
  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new PoolConnection(this.sql));
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    await (connection as PoolConnection).begin(settings);
  }
  async commitTransaction(connection: DatabaseConnection) {
    await (connection as PoolConnection).end(true);
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    await (connection as PoolConnection).end(false);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** Kysely's PostgreSQL dialect over a postgres.js pool, without per-query reservations. */
export class PostgresPoolDialect implements Dialect {
  constructor(private readonly sql: Sql) {}
  createDriver(): Driver {
    return new PoolDriver(this.sql);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  // deno-lint-ignore no-explicit-any
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
