import { type Collector, labelText } from "./registry.ts";

/** Responses of one route and method, counted by status code in a fixed array. */
export class RouteCounts {
  readonly counts = new Float64Array(600);

  constructor(readonly method: string, readonly route: string) {}

  /** One response: an array slot increment, no allocation. */
  count(status: number): void {
    this.counts[status]++;
  }
}

/**
 * `hartslag_http_requests_total{method, route, status}`: the route is the pattern a request
 * matched (`/api/v1/apps/:app/events`), never its raw path, so the label set stays bounded
 * by the routes that exist. Each route's counts are created once, when it is mounted.
 */
export class RequestCounts implements Collector {
  readonly name = "hartslag_http_requests_total";
  readonly #routes = new Map<string, RouteCounts>();

  /** The counts for a route and method, created on first use and then kept. */
  route(method: string, route: string): RouteCounts {
    const key = `${method} ${route}`;
    let counts = this.#routes.get(key);
    if (!counts) {
      counts = new RouteCounts(method, route);
      this.#routes.set(key, counts);
    }
    return counts;
  }

  write(out: string[]): void {
    out.push(
      `# HELP ${this.name} HTTP responses by route pattern, method and status code.`,
      `# TYPE ${this.name} counter`,
    );
    const names = ["method", "route", "status"];
    for (const counts of this.#routes.values()) {
      for (let status = 0; status < counts.counts.length; status++) {
        const n = counts.counts[status];
        if (n === 0) continue;
        const labels = labelText(names, [counts.method, counts.route, String(status)]);
        out.push(`${this.name}${labels} ${n}`);
      }
    }
  }
}
