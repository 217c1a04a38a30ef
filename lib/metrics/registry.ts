/**
 * A small metrics registry that writes the Prometheus text format (version 0.0.4).
 *
 * In-house rather than prom-client: prom-client leans on Node internals (cluster, perf_hooks
 * histograms, process.hrtime) and allocates on every labelled call, while the format itself
 * is a few lines of text. Recording is designed for hot paths: bind a labelled child once
 * (`counter.labels({ kind: "beacon" })`) and each `inc()` is then a number add, with no
 * allocation. Values computed from other state (queue depth, rows per status) are gauges
 * with a `collect` callback that runs only when /metrics is scraped.
 */

export type Labels<L extends string> = Readonly<Record<L, string>>;

interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface CollectedOptions<L extends string, M> extends MetricOptions<L> {
  /** Runs before each scrape to set current values from elsewhere (a queue, a table). */
  collect?: (metric: M) => void | Promise<void>;
}

/** Anything the registry can write: one metric family. */
export interface Collector {
  readonly name: string;
  /** Appends the family (HELP, TYPE and samples) to `out`. */
  write(out: string[]): void | Promise<void>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as the text format spells it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** `{a="1",b="2"}` for the given names and values, or "" without labels. */
export function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  const parts = names.map((name, i) => `${name}="${escapeLabel(values[i])}"`);
  return `{${parts.join(",")}}`;
}

function header(out: string[], name: string, help: string, type: string): void {
  out.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
}

function checkNames(name: string, labelNames: readonly string[]): void {
  if (!NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
  for (const label of labelNames) {
    if (!LABEL.test(label) || label.startsWith("__")) {
      throw new Error(`invalid label name ${JSON.stringify(label)} on ${name}`);
    }
  }
}

/** Children keyed by their label values; each child is created once and kept. */
abstract class Family<L extends string, Child> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  protected readonly children = new Map<string, { values: string[]; child: Child }>();

  constructor(options: MetricOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    checkNames(this.name, this.labelNames);
  }

  protected abstract create(): Child;

  /** The child for these label values; keep it where the metric is recorded often. */
  labels(labels: Labels<L>): Child {
    const values = this.labelNames.map((name) => {
      const value = labels[name];
      if (typeof value !== "string") throw new Error(`${this.name}: label ${name} is missing`);
      return value;
    });
    const key = values.join("\u0000");
    let entry = this.children.get(key);
    if (!entry) {
      entry = { values, child: this.create() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  /** Forgets every child (gauges that are recomputed at each scrape start from nothing). */
  reset(): void {
    this.children.clear();
  }

  abstract write(out: string[]): void | Promise<void>;
}

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    if (by < 0) throw new Error("a counter only goes up");
    this.value += by;
  }
}

/** A monotonically increasing count. */
export class Counter<L extends string = never> extends Family<L, CounterChild> {
  #unlabelled: CounterChild | undefined;
  #collect: CollectedOptions<L, Counter<L>>["collect"];

  constructor(options: CollectedOptions<L, Counter<L>>) {
    super(options);
    this.#collect = options.collect;
  }

  protected create(): CounterChild {
    return new CounterChild();
  }

  /** Increments the unlabelled series (a counter without label names). */
  inc(by = 1): void {
    (this.#unlabelled ??= this.labels({} as Labels<L>)).inc(by);
  }

  async write(out: string[]): Promise<void> {
    if (this.#collect) await this.#collect(this);
    header(out, this.name, this.help, "counter");
    for (const { values, child } of this.children.values()) {
      out.push(`${this.name}${labelText(this.labelNames, values)} ${formatValue(child.value)}`);
    }
  }
}

export class GaugeChild {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
}

export type GaugeOptions<L extends string> = CollectedOptions<L, Gauge<L>>;

/** A value that goes up and down; set directly or computed by `collect` at scrape time. */
export class Gauge<L extends string = never> extends Family<L, GaugeChild> {
  #collect: GaugeOptions<L>["collect"];
  #unlabelled: GaugeChild | undefined;

  constructor(options: GaugeOptions<L>) {
    super(options);
    this.#collect = options.collect;
  }

  protected create(): GaugeChild {
    return new GaugeChild();
  }

  /** Sets (or replaces) the function that computes this gauge at scrape time. */
  collectWith(collect: (gauge: Gauge<L>) => void | Promise<void>): void {
    this.#collect = collect;
  }

  set(value: number): void {
    (this.#unlabelled ??= this.labels({} as Labels<L>)).set(value);
  }

  async write(out: string[]): Promise<void> {
    if (this.#collect) await this.#collect(this);
    header(out, this.name, this.help, "gauge");
    for (const { values, child } of this.children.values()) {
      out.push(`${this.name}${labelText(this.labelNames, values)} ${formatValue(child.value)}`);
    }
  }
}

export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds of the buckets, ascending; +Inf is implied. */
  buckets: readonly number[];
}

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram<L extends string = never> extends Family<L, HistogramChild> {
  readonly buckets: readonly number[];
  #unlabelled: HistogramChild | undefined;

  constructor(options: HistogramOptions<L>) {
    super(options);
    if (this.labelNames.includes("le" as L)) throw new Error(`${this.name}: "le" is reserved`);
    const sorted = options.buckets.every((b, i) => i === 0 || b > options.buckets[i - 1]);
    if (!sorted || options.buckets.length === 0) {
      throw new Error(`${this.name}: buckets must be ascending and not empty`);
    }
    this.buckets = options.buckets.filter((b) => b !== Infinity);
  }

  protected create(): HistogramChild {
    return new HistogramChild(this.buckets);
  }

  observe(value: number): void {
    (this.#unlabelled ??= this.labels({} as Labels<L>)).observe(value);
  }

  write(out: string[]): void {
    header(out, this.name, this.help, "histogram");
    const names = [...this.labelNames, "le"];
    for (const { values, child } of this.children.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += child.counts[i];
        const labels = labelText(names, [...values, formatValue(this.buckets[i])]);
        out.push(`${this.name}_bucket${labels} ${formatValue(cumulative)}`);
      }
      out.push(`${this.name}_bucket${labelText(names, [...values, "+Inf"])} ${child.count}`);
      const own = labelText(this.labelNames, values);
      out.push(`${this.name}_sum${own} ${formatValue(child.sum)}`);
      out.push(`${this.name}_count${own} ${child.count}`);
    }
  }
}

/** Exponential bucket bounds: start, start·factor, … (count of them). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Number((start * factor ** i).toPrecision(6)));
}

/** Holds every metric family of the process and writes them as one exposition. */
export class Registry {
  #collectors = new Map<string, Collector>();

  register<C extends Collector>(collector: C): C {
    if (this.#collectors.has(collector.name)) {
      throw new Error(`metric ${collector.name} is already registered`);
    }
    this.#collectors.set(collector.name, collector);
    return collector;
  }

  counter<L extends string = never>(options: CollectedOptions<L, Counter<L>>): Counter<L> {
    return this.register(new Counter<L>(options));
  }

  gauge<L extends string = never>(options: GaugeOptions<L>): Gauge<L> {
    return this.register(new Gauge<L>(options));
  }

  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.register(new Histogram<L>(options));
  }

  get(name: string): Collector | undefined {
    return this.#collectors.get(name);
  }

  /**
   * The whole exposition. A family whose collect step fails is left out (and reported to
   * `onError`) so one broken source does not hide every other metric.
   */
  async render(onError: (name: string, error: unknown) => void = () => {}): Promise<string> {
    const out: string[] = [];
    for (const collector of this.#collectors.values()) {
      const lines: string[] = [];
      try {
        await collector.write(lines);
        out.push(...lines);
      } catch (error) {
        onError(collector.name, error);
      }
    }
    return out.join("\n") + "\n";
  }
}

/** The Content-Type of the text exposition. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
