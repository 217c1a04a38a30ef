import { errorSchema, type Paths, response } from "./schema.ts";

/** Operations: Prometheus metrics. */
export const operationsPaths: Paths = {
  "/metrics": {
    get: {
      summary: "Metrics in the Prometheus text format",
      description:
        "Requests by route and status, ingestion queue depth, batch sizes and commit latency, rate-limited requests, monitors by status and alert deliveries. When HARTSLAG_METRICS_TOKEN is set it must be sent as a bearer token.",
      security: [{}, { metricsToken: [] }],
      responses: {
        "200": {
          description: "The exposition (text/plain; version=0.0.4)",
          content: { "text/plain": { schema: { type: "string" } } },
        },
        "401": response("HARTSLAG_METRICS_TOKEN is set and was not sent", errorSchema),
      },
    },
  },
};
