/**
 * The service's metrics, served at GET /metrics. Modules record into the fields below (bind
 * labelled children once, outside hot paths) or register their own families on `registry`.
 */
import { RequestCounts } from "./http.ts";
import {
  type Counter,
  type CounterChild,
  exponentialBuckets,
  type Gauge,
  type Histogram,
  Registry,
} from "./registry.ts";

/** What a group-commit writer exposes for its gauges. */
export interface WatchedWriter {
  readonly queueDepth: number;
  readonly inFlight: number;
  readonly stats: { readonly timeouts: number };
}

/** Called by a writer after each batch: its size, how long the commit took, and whether it held. */
export type BatchObserver = (size: number, seconds: number, stored: boolean) => void;

export interface WriterMetrics {
  readonly batchSize: Histogram<"queue">;
  readonly commitSeconds: Histogram<"queue">;
  readonly items: Counter<"queue" | "outcome">;
  /**
   * Adds a writer's queue depth and in-flight batches to the gauges, and returns the
   * observer to pass as its `onBatch` option.
   */
  watch(queue: string, writer: () => WatchedWriter): BatchObserver;
}

export interface ServiceMetrics {
  readonly registry: Registry;
  /** Responses by route pattern, method and status; recorded by the web layer. */
  readonly http: RequestCounts;
  /** Group-commit writers: batch sizes, commit latency and outcomes, per queue. */
  readonly writers: WriterMetrics;
  /** Requests refused by a rate limit, by what was limited (`app`, `beacon`, `sign_in`). */
  readonly rateLimited: Counter<"kind">;
  /** The rateLimited children, bound once: a refusal costs one increment. */
  readonly refused: Readonly<Record<"app" | "beacon" | "sign_in", CounterChild>>;
  /** Alert deliveries by channel kind and outcome (`delivered`, `failed`, `retried`). */
  readonly alertDeliveries: Counter<"channel" | "outcome">;
  /** Monitors by status; the monitors module computes it at scrape time (`collectWith`). */
  readonly monitors: Gauge<"status">;
}

const started = Date.now() / 1000;

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  const http = registry.register(new RequestCounts());
  const watched = new Map<string, () => WatchedWriter>();
  registry.gauge({
    name: "hartslag_ingest_queue_depth",
    help: "Items waiting in a group-commit queue for a batch.",
    labelNames: ["queue"],
    collect: (gauge) => {
      for (const [queue, writer] of watched) gauge.labels({ queue }).set(writer().queueDepth);
    },
  });
  registry.gauge({
    name: "hartslag_ingest_batches_in_flight",
    help: "Group-commit batches being committed right now.",
    labelNames: ["queue"],
    collect: (gauge) => {
      for (const [queue, writer] of watched) gauge.labels({ queue }).set(writer().inFlight);
    },
  });
  const writers: WriterMetrics = {
    batchSize: registry.histogram({
      name: "hartslag_ingest_batch_size",
      help: "Items per committed group-commit batch.",
      labelNames: ["queue"],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    }),
    commitSeconds: registry.histogram({
      name: "hartslag_ingest_commit_seconds",
      help: "Time to store one group-commit batch (its statement and commit), in seconds.",
      labelNames: ["queue"],
      buckets: exponentialBuckets(0.0005, 2, 15),
    }),
    items: registry.counter({
      name: "hartslag_ingest_items_total",
      help: "Items handed to a group-commit writer, by outcome (stored, failed, timed_out).",
      labelNames: ["queue", "outcome"],
      collect: (counter) => {
        for (const [queue, writer] of watched) {
          counter.labels({ queue, outcome: "timed_out" }).value = writer().stats.timeouts;
        }
      },
    }),
    watch(queue, writer) {
      watched.set(queue, writer);
      const size = writers.batchSize.labels({ queue });
      const seconds = writers.commitSeconds.labels({ queue });
      const stored = writers.items.labels({ queue, outcome: "stored" });
      const failed = writers.items.labels({ queue, outcome: "failed" });
      return (items, took, ok) => {
        if (ok) {
          size.observe(items);
          seconds.observe(took);
          stored.inc(items);
        } else {
          failed.inc(items);
        }
      };
    },
  };
  const rateLimited = registry.counter({
    name: "hartslag_rate_limited_total",
    help: "Requests refused by a rate limit, by what was limited.",
    labelNames: ["kind"],
  });
  const alertDeliveries = registry.counter({
    name: "hartslag_alert_deliveries_total",
    help: "Alert delivery attempts by channel kind and outcome.",
    labelNames: ["channel", "outcome"],
  });
  const monitors = registry.gauge({
    name: "hartslag_monitors",
    help: "Monitors by status.",
    labelNames: ["status"],
  });
  registry.gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    collect: (gauge) => gauge.set(Deno.memoryUsage().rss),
  });
  registry.gauge({
    name: "process_heap_used_bytes",
    help: "JavaScript heap in use, in bytes.",
    collect: (gauge) => gauge.set(Deno.memoryUsage().heapUsed),
  });
  registry.gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since the Unix epoch, in seconds.",
    collect: (gauge) => gauge.set(started),
  });
  const refused = {
    app: rateLimited.labels({ kind: "app" }),
    beacon: rateLimited.labels({ kind: "beacon" }),
    sign_in: rateLimited.labels({ kind: "sign_in" }),
  };
  return { registry, http, writers, rateLimited, refused, alertDeliveries, monitors };
}
