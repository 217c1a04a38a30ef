import { deepStrictEqual as equal, ok, rejects } from "node:assert/strict";
import { sql } from "kysely";
import { openDatabase } from "../lib/store/database.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { TcpProxy } from "./support/tcp_proxy.ts";

Deno.test("the PostgreSQL pool: transactions commit and roll back; it recovers after an outage", async () => {
  const pg = await createTestDatabase();
  const proxy = new TcpProxy({ hostname: "127.0.0.1", port: Number(new URL(pg.url).port) });
  proxy.start();
  const url = new URL(pg.url);
  url.port = String(proxy.port);
  const database = await openDatabase({
    url: url.toString(),
    dataDir: "/nonexistent",
    poolSize: 3,
  });
  const db = database.db;
  try {
    await sql`create table t (n int)`.execute(db);
    await db.transaction().execute(async (tx) => {
      await sql`insert into t values (1)`.execute(tx);
      await sql`insert into t values (2)`.execute(tx);
    });
    await rejects(
      db.transaction().execute(async (tx) => {
        await sql`insert into t values (3)`.execute(tx);
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    const count = async () =>
      Number((await sql<{ n: string }>`select count(*)::text as n from t`.execute(db)).rows[0].n);
    equal(await count(), 2);

    // While the database is away queries fail (more of them than the pool holds); once it
    // is back, everything works again.
    proxy.refuse();
    for (let i = 0; i < 4; i++) await rejects(count());
    proxy.forward();
    let back = false;
    for (let i = 0; i < 50 && !back; i++) {
      try {
        back = (await count()) === 2;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    ok(back, "the pool works again once the database is back");
    await Promise.all(Array.from({ length: 10 }, () => count()));
    await db.transaction().execute(async (tx) => {
      await sql`insert into t values (4)`.execute(tx);
    });
    equal(await count(), 3);
  } finally {
    await database.close();
    proxy.close();
    await pg.drop();
  }
});
