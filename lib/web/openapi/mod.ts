import { beaconPaths } from "./beacons.ts";
import { checkInPaths } from "./checkins.ts";
import { corePaths } from "./core.ts";
import { dashboardPaths } from "./dashboard.ts";
import { monitorPaths } from "./monitors.ts";
import { operationsPaths } from "./operations.ts";
import type { Paths } from "./schema.ts";

/** Each area of the API describes its own paths; this is the whole served document. */
const areas: Paths[] = [
  corePaths,
  checkInPaths,
  beaconPaths,
  dashboardPaths,
  operationsPaths,
  monitorPaths,
];

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Hartslag",
      version: "1.0.0",
      description:
        'Self-hosted heartbeats: events, job check-ins, beacons and monitors. Management calls take `Authorization: Bearer $HARTSLAG_ADMIN_TOKEN`; errors there are `{"error", "message"}`.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        adminToken: { type: "http", scheme: "bearer", description: "HARTSLAG_ADMIN_TOKEN" },
        appToken: { type: "http", scheme: "bearer", description: "An app's token (hs_…)" },
        metricsToken: { type: "http", scheme: "bearer", description: "HARTSLAG_METRICS_TOKEN" },
        operatorSession: {
          type: "apiKey",
          in: "cookie",
          name: "hartslag_session",
          description: "A dashboard operator's session (sign in at /login)",
        },
      },
    },
    paths: Object.assign({}, ...areas) as Paths,
  };
}
