/**
 * Sweep benchmark: 10,000 monitors in PostgreSQL.
 *
 *   deno run -A bench/sweep.ts            (BENCH_MONITORS=… to change the count)
 *
 * Reports how long one sweep takes when every monitor is due at once (up → late, then
 * late → down with incidents and one alert delivery each), what an idle sweep costs, and how
 * late transitions land when deadlines are spread over a few seconds and the in-process
 * timer drives the sweeps. The baseline, measured in the same run, is a plain read of the
 * same rows: the least any sweep has to do.
 */
import { sql } from "kysely";
import { MonitorLoop } from "../lib/jobs/monitor_loop.ts";
import { sweepMonitors } from "../lib/jobs/sweep.ts";
import { silentLogger } from "../lib/log.ts";
import { migrate, openDatabase } from "../lib/store/database.ts";
import { migrations } from "../migrations/mod.ts";
import { createTestDatabase } from "../tests/support/postgres.ts";

const COUNT = Number(Deno.env.get("BENCH_MONITORS") ?? 10_000);
const GAP_MS = 60_000;

const pg = await createTestDatabase();
const database = await openDatabase({ url: pg.url, dataDir: "/nonexistent" });
const db = database.db;

const ms = (start: number) => performance.now() - start;
const fmt = (n: number) => `${n.toFixed(1)} ms`;

async function reset(lastPingAt: (i: number) => Date, intervalS: number, graceS: number) {
  await sql`truncate monitors, monitor_flips, incidents, alert_deliveries, alert_attempts cascade`
    .execute(db);
  const ids = Array.from({ length: COUNT }, (_, i) => `mon_bench_${i}`);
  const pings = ids.map((_, i) => lastPingAt(i));
  const checks = pings.map((p) => new Date(p.getTime() + intervalS * 1000).toISOString());
  await sql`
    insert into monitors (id, app_id, name, interval_s, grace_s, status, last_ping_at,
      next_check_at)
    select id, 'app_bench', id, ${intervalS}, ${graceS}, 'up', ping, next_check
    from unnest(${ids}::text[], ${pings.map((p) => p.toISOString())}::timestamptz[],
      ${checks}::timestamptz[]) as t(id, ping, next_check)`.execute(db);
  await sql`analyze monitors`.execute(db);
}

try {
  await migrate(db, migrations);
  await sql`insert into apps (id, name, timezone, token_digest)
    values ('app_bench', 'bench', 'UTC', 'bench')`.execute(db);
  // One channel (never reached: the deliveries are only queued here).
  await sql`insert into alert_channels (id, app_id, kind, config)
    values ('chn_bench', 'app_bench', 'webhook', '{"url":"http://127.0.0.1:9/","secret":"x"}')`
    .execute(db);

  // All due at once: pinged 61 s ago on a 60 s interval with 60 s grace → late now.
  const now = new Date();
  await reset(() => new Date(now.getTime() - 61_000), 60, 60);

  let t = performance.now();
  const { rows } =
    await sql`select * from monitors where next_check_at <= ${now.toISOString()}::timestamptz`
      .execute(db);
  const baseline = ms(t);
  if (rows.length !== COUNT) throw new Error(`expected ${COUNT} due rows, read ${rows.length}`);

  t = performance.now();
  const late = await sweepMonitors(db, now, { downtimeGapMs: GAP_MS });
  const lateMs = ms(t);
  if (late.flips.length !== COUNT) throw new Error(`late flips: ${late.flips.length}`);

  const later = new Date(now.getTime() + 60_000);
  t = performance.now();
  const down = await sweepMonitors(db, later, { downtimeGapMs: GAP_MS * 2 });
  const downMs = ms(t);
  if (down.flips.length !== COUNT) throw new Error(`down flips: ${down.flips.length}`);
  const [{ n: queued }] =
    (await sql<{ n: string }>`select count(*)::text as n from alert_deliveries`
      .execute(db)).rows;

  t = performance.now();
  await sweepMonitors(db, later, { downtimeGapMs: GAP_MS * 2 });
  const idleMs = ms(t);

  // Deadlines spread evenly over the next 5 s; the in-process timer drives the sweeps.
  const spreadMs = 5_000;
  const start = Date.now() + 1_000;
  await reset((i) => new Date(start + Math.floor((i * spreadMs) / COUNT) - 60_000), 60, 600);
  const loop = new MonitorLoop({
    db,
    now: () => new Date(),
    log: silentLogger,
    aliveTickMs: 1_000,
    downtimeGapMs: GAP_MS,
    pollMs: 5_000,
    delivery: {
      instance: "bench",
      timeoutMs: 1_000,
      retryMs: 60_000,
      maxAttempts: 1,
      smtp: undefined,
      baseUrl: undefined,
    },
  });
  loop.start();
  const deadline = Date.now() + spreadMs + 30_000;
  for (;;) {
    const [{ n }] = (await sql<{ n: string }>`select count(*)::text as n from monitor_flips`
      .execute(db)).rows;
    if (Number(n) >= COUNT || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await loop.stop();
  const lags = (await sql<{ lag: number }>`
    select extract(epoch from (f.at - (m.last_ping_at + make_interval(secs => m.interval_s))))
      * 1000 as lag
    from monitor_flips f join monitors m on m.id = f.monitor_id
    where f.to_status = 'late'`.execute(db)).rows.map((r) => Number(r.lag)).sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))];

  console.log(`sweep benchmark: ${COUNT} monitors on PostgreSQL`);
  console.log(`  baseline: read the ${COUNT} due rows           ${fmt(baseline)}`);
  console.log(
    `  one sweep, all due, up → late              ${fmt(lateMs)}  (${
      (lateMs / baseline).toFixed(1)
    }× baseline, ${Math.round(COUNT / (lateMs / 1000))} monitors/s)`,
  );
  console.log(
    `  one sweep, all due, late → down + incident  ${fmt(downMs)}  (${
      (downMs / baseline).toFixed(1)
    }× baseline, ${queued} alerts queued)`,
  );
  console.log(`  one sweep, nothing due                      ${fmt(idleMs)}`);
  console.log(
    `  timer-driven, ${COUNT} deadlines over ${
      spreadMs / 1000
    } s: ${lags.length} transitions, late by p50 ${fmt(pct(50))}, p99 ${fmt(pct(99))}, max ${
      fmt(lags.at(-1) ?? NaN)
    }`,
  );
} finally {
  await database.close();
  await pg.drop();
}
