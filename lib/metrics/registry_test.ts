import { deepStrictEqual as equal, ok, throws } from "node:assert/strict";
import { RequestCounts } from "./http.ts";
import { exponentialBuckets, formatValue, Registry } from "./registry.ts";

Deno.test("counters, gauges and histograms write the Prometheus text format", async () => {
  const registry = new Registry();
  const hits = registry.counter({ name: "t_hits_total", help: "Hits.", labelNames: ["kind"] });
  const beacon = hits.labels({ kind: "beacon" });
  beacon.inc();
  beacon.inc(2);
  hits.labels({ kind: 'we"ird\\\n' }).inc();
  let depth = 7;
  registry.gauge({ name: "t_depth", help: "Depth\nof it.", collect: (g) => g.set(depth) });
  const latency = registry.histogram({
    name: "t_seconds",
    help: "Latency.",
    labelNames: ["queue"],
    buckets: [0.1, 1],
  });
  const events = latency.labels({ queue: "events" });
  for (const v of [0.05, 0.1, 0.5, 3]) events.observe(v);
  depth = 9;
  equal(
    await registry.render(),
    [
      "# HELP t_hits_total Hits.",
      "# TYPE t_hits_total counter",
      't_hits_total{kind="beacon"} 3',
      't_hits_total{kind="we\\"ird\\\\\\n"} 1',
      "# HELP t_depth Depth\\nof it.",
      "# TYPE t_depth gauge",
      "t_depth 9",
      "# HELP t_seconds Latency.",
      "# TYPE t_seconds histogram",
      't_seconds_bucket{queue="events",le="0.1"} 2',
      't_seconds_bucket{queue="events",le="1"} 3',
      't_seconds_bucket{queue="events",le="+Inf"} 4',
      't_seconds_sum{queue="events"} 3.65',
      't_seconds_count{queue="events"} 4',
      "",
    ].join("\n"),
  );
});

Deno.test("a labelled child is created once and kept", () => {
  const registry = new Registry();
  const c = registry.counter({ name: "t_total", help: "x", labelNames: ["a", "b"] });
  ok(c.labels({ a: "1", b: "2" }) === c.labels({ b: "2", a: "1" }));
  throws(() => c.labels({ a: "1" } as never), /label b is missing/);
  throws(() => c.labels({ a: "1", b: "2" }).inc(-1), /only goes up/);
});

Deno.test("bad names, duplicate families and unsorted buckets are refused", () => {
  const registry = new Registry();
  throws(() => registry.counter({ name: "bad-name", help: "x" }));
  throws(() => registry.counter({ name: "ok_total", help: "x", labelNames: ["__reserved"] }));
  registry.counter({ name: "ok_total", help: "x" });
  throws(() => registry.counter({ name: "ok_total", help: "x" }), /already registered/);
  throws(() => registry.histogram({ name: "h", help: "x", buckets: [1, 0.5] }));
  throws(() => registry.histogram({ name: "h2", help: "x", labelNames: ["le"], buckets: [1] }));
});

Deno.test("a failing collector is left out, the rest still render", async () => {
  const registry = new Registry();
  registry.gauge({
    name: "broken",
    help: "x",
    collect: () => {
      throw new Error("database gone");
    },
  });
  registry.counter({ name: "fine_total", help: "x" }).inc();
  const failures: string[] = [];
  const text = await registry.render((name) => failures.push(name));
  equal(failures, ["broken"]);
  ok(!text.includes("broken"));
  ok(text.includes("fine_total 1"));
});

Deno.test("request counts by route, method and status; only seen statuses are written", async () => {
  const counts = new RequestCounts();
  const heartbeat = counts.route("POST", "/api/v1/heartbeat");
  ok(counts.route("POST", "/api/v1/heartbeat") === heartbeat);
  heartbeat.count(201);
  heartbeat.count(201);
  heartbeat.count(422);
  counts.route("GET", "/healthz");
  const registry = new Registry();
  registry.register(counts);
  equal((await registry.render()).split("\n").filter((l) => !l.startsWith("#")), [
    'hartslag_http_requests_total{method="POST",route="/api/v1/heartbeat",status="201"} 2',
    'hartslag_http_requests_total{method="POST",route="/api/v1/heartbeat",status="422"} 1',
    "",
  ]);
});

Deno.test("values and bucket helpers", () => {
  equal([NaN, Infinity, -Infinity, 0.25, 3].map(formatValue), ["NaN", "+Inf", "-Inf", "0.25", "3"]);
  equal(exponentialBuckets(0.001, 2, 4), [0.001, 0.002, 0.004, 0.008]);
});
