import { monitorEditBody, newMonitorBody } from "../../domain/monitor_input.ts";
import {
  adminSecurity,
  errorSchema,
  integerOrString,
  jsonContent,
  jsonSchemaOf,
  managementErrors,
  pathParam,
  type Paths,
  queryParam,
  response,
} from "./schema.ts";

const time = { type: ["string", "null"], format: "date-time" };
const status = { type: "string", enum: ["new", "up", "late", "down", "paused"] };

const monitor = {
  type: "object",
  properties: {
    id: { type: "string" },
    app_id: { type: "string" },
    name: { type: "string" },
    kind: { type: "string", enum: ["ping", "events"] },
    status,
    interval_s: { type: ["integer", "null"] },
    cron: { type: ["string", "null"] },
    timezone: { type: ["string", "null"] },
    grace_s: { type: "integer" },
    ping_url: { type: "string" },
    last_ping_at: time,
    last_ping_failed: { type: "boolean" },
    last_start_at: time,
    next_due_at: { ...time, description: "When the next ping is expected" },
    down_at: { ...time, description: "When it goes down without a ping" },
    n_pings: integerOrString,
    event: { type: "string", description: "Event monitors: the event watched" },
    min_count: integerOrString,
    min_weight: integerOrString,
    window_s: { type: "integer" },
    created_at: { type: "string", format: "date-time" },
    updated_at: { type: "string", format: "date-time" },
  },
};

const monitorId = pathParam("id", "Monitor id");
const limit = queryParam("limit", "At most this many, newest first", {
  type: "integer",
  minimum: 1,
  maximum: 1000,
  default: 100,
});

const plain = (description: string) => ({
  description,
  content: { "text/plain": { schema: { type: "string" } } },
});

function ping(summary: string, extra: unknown[] = []) {
  const operation = {
    summary,
    parameters: [
      pathParam("id", "Monitor id (from its ping URL)"),
      queryParam("rid", "A run id pairing a start with its finish"),
      ...extra,
    ],
    requestBody: {
      required: false,
      content: { "*/*": { schema: { type: "string" } } },
      description: "Kept with the ping as its log (first 100 KB; the rest is dropped)",
    },
    responses: { "200": plain("OK"), "404": plain("not found") },
  };
  return { get: operation, post: operation, head: operation };
}

const list = (key: string, item: unknown) => ({
  type: "object",
  properties: { [key]: { type: "array", items: item } },
});

const channel = {
  type: "object",
  properties: {
    id: { type: "string" },
    kind: { type: "string", enum: ["webhook", "slack", "email"] },
    url: { type: "string" },
    secret: { type: "string", description: "Webhooks: the signing secret, shown on creation only" },
    to: { type: "array", items: { type: "string" } },
    created_at: { type: "string", format: "date-time" },
  },
};

/** Monitor pings (§4), monitors, channels, runs and alert deliveries. */
export const monitorPaths: Paths = {
  "/api/v1/hb/{id}": ping("A success ping (GET, POST or HEAD)"),
  "/api/v1/hb/{id}/{action}": ping(
    "`start`, `fail`, or an exit status 0–255 (0 is success, anything else a failure)",
    [pathParam("action", "start | fail | 0–255")],
  ),
  "/api/v1/apps/{app}/monitors": {
    get: {
      summary: "The app's monitors",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      responses: { "200": response("Monitors", list("monitors", monitor)), ...managementErrors },
    },
    post: {
      summary:
        "Create a monitor: pinged on an interval or a cron schedule (timezone defaults to the app's), or watching events",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      requestBody: { required: true, content: jsonContent(jsonSchemaOf(newMonitorBody)) },
      responses: {
        "201": response("Created", monitor),
        "409": response("The app already has a monitor of that name", errorSchema),
        ...managementErrors,
      },
    },
  },
  "/api/v1/monitors/{id}": {
    get: {
      summary: "A monitor and its current status",
      security: adminSecurity,
      parameters: [monitorId],
      responses: { "200": response("The monitor", monitor), ...managementErrors },
    },
    patch: {
      summary: "Edit name, schedule, grace or event rule; the status is re-evaluated",
      security: adminSecurity,
      parameters: [monitorId],
      requestBody: { required: true, content: jsonContent(jsonSchemaOf(monitorEditBody)) },
      responses: {
        "200": response("The monitor", monitor),
        "409": response("Name taken", errorSchema),
        ...managementErrors,
      },
    },
    delete: {
      summary: "Delete a monitor with its pings, runs, incidents and deliveries",
      security: adminSecurity,
      parameters: [monitorId],
      responses: { "204": { description: "Deleted" }, ...managementErrors },
    },
  },
  "/api/v1/monitors/{id}/pause": {
    post: {
      summary:
        "Pause: no alerts; pings are logged but do not resume it (an open incident closes quietly)",
      security: adminSecurity,
      parameters: [monitorId],
      responses: { "200": response("The monitor", monitor), ...managementErrors },
    },
  },
  "/api/v1/monitors/{id}/resume": {
    post: {
      summary: "Resume: the monitor is new again until its next ping",
      security: adminSecurity,
      parameters: [monitorId],
      responses: { "200": response("The monitor", monitor), ...managementErrors },
    },
  },
  "/api/v1/monitors/{id}/pings": {
    get: {
      summary: "The ping log (the latest 1000 are kept)",
      security: adminSecurity,
      parameters: [monitorId, limit],
      responses: {
        "200": response(
          "Pings",
          list("pings", {
            type: "object",
            properties: {
              n: { type: "integer" },
              kind: { type: "string", enum: ["success", "start", "fail"] },
              exit_status: { type: ["integer", "null"] },
              at: { type: "string", format: "date-time" },
              source: { type: "string", enum: ["http", "checkin"] },
              method: { type: ["string", "null"] },
              remote_addr: { type: ["string", "null"] },
              user_agent: { type: ["string", "null"] },
              run_id: { type: ["string", "null"] },
              body: { type: ["string", "null"] },
              body_truncated: { type: "boolean" },
            },
          }),
        ),
        ...managementErrors,
      },
    },
  },
  "/api/v1/monitors/{id}/incidents": {
    get: {
      summary: "Incidents: opened on down, closed by recovery or pause",
      security: adminSecurity,
      parameters: [monitorId, limit],
      responses: {
        "200": response(
          "Incidents",
          list("incidents", {
            type: "object",
            properties: {
              id: { type: "string" },
              opened_at: { type: "string", format: "date-time" },
              reason: { type: "string" },
              closed_at: time,
              close_reason: { type: ["string", "null"] },
            },
          }),
        ),
        ...managementErrors,
      },
    },
  },
  "/api/v1/monitors/{id}/flips": {
    get: {
      summary: "Every status change, with the alert it raised (down, up or none)",
      security: adminSecurity,
      parameters: [monitorId, limit],
      responses: {
        "200": response(
          "Status changes",
          list("flips", {
            type: "object",
            properties: {
              id: { type: "string" },
              from: status,
              to: status,
              at: { type: "string", format: "date-time" },
              reason: { type: "string" },
              incident_id: { type: ["string", "null"] },
              alert: { type: ["string", "null"], enum: ["down", "up", null] },
            },
          }),
        ),
        ...managementErrors,
      },
    },
  },
  "/api/v1/monitors/{id}/deliveries": {
    get: {
      summary: "Alert deliveries to the app's channels, each with every attempt",
      security: adminSecurity,
      parameters: [monitorId, limit],
      responses: {
        "200": response(
          "Deliveries",
          list("deliveries", {
            type: "object",
            properties: {
              id: { type: "string" },
              kind: { type: "string", enum: ["down", "up"] },
              state: { type: "string", enum: ["pending", "sending", "sent", "failed"] },
              channel_id: { type: "string" },
              incident_id: { type: ["string", "null"] },
              attempts: { type: "integer" },
              next_attempt_at: time,
              created_at: { type: "string", format: "date-time" },
              sent_at: time,
              log: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    attempt: { type: "integer" },
                    started_at: { type: "string", format: "date-time" },
                    duration_ms: { type: "integer" },
                    ok: { type: "boolean" },
                    status_code: { type: ["integer", "null"] },
                    error: { type: ["string", "null"] },
                  },
                },
              },
            },
          }),
        ),
        ...managementErrors,
      },
    },
  },
  "/api/v1/apps/{app}/channels": {
    get: {
      summary: "The app's alert channels (secrets not shown)",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      responses: { "200": response("Channels", list("channels", channel)), ...managementErrors },
    },
    post: {
      summary:
        "Add a channel: every incident and recovery of the app's monitors is sent there. Webhooks are signed: X-Hartslag-Signature-256: sha256=HMAC-SHA256(secret, body)",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      requestBody: {
        required: true,
        content: jsonContent({
          oneOf: [
            {
              type: "object",
              required: ["kind", "url"],
              properties: {
                kind: { const: "webhook" },
                url: { type: "string", format: "uri" },
                secret: { type: "string", minLength: 16 },
              },
            },
            {
              type: "object",
              required: ["kind", "url"],
              properties: { kind: { const: "slack" }, url: { type: "string", format: "uri" } },
            },
            {
              type: "object",
              required: ["kind", "to"],
              properties: {
                kind: { const: "email" },
                to: { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
              },
            },
          ],
        }),
      },
      responses: { "201": response("Created", channel), ...managementErrors },
    },
  },
  "/api/v1/apps/{app}/channels/{channel}": {
    delete: {
      summary: "Remove a channel (its pending deliveries go with it)",
      security: adminSecurity,
      parameters: [pathParam("app", "App id"), pathParam("channel", "Channel id")],
      responses: { "204": { description: "Deleted" }, ...managementErrors },
    },
  },
  "/api/v1/apps/{app}/runs": {
    get: {
      summary: "Runs of the app's monitor with this name: a start and its finish, with a duration",
      security: adminSecurity,
      parameters: [pathParam("app", "App id"), {
        ...queryParam("name", "Monitor name"),
        required: true,
      }, limit],
      responses: {
        "200": response(
          "Runs",
          list("runs", {
            type: "object",
            properties: {
              name: { type: "string" },
              id: { type: "string", description: "The client's run id, or ours" },
              started_at: time,
              finished_at: time,
              duration_ms: { oneOf: [integerOrString, { type: "null" }] },
              outcome: { type: ["string", "null"], enum: ["success", "fail", null] },
            },
          }),
        ),
        ...managementErrors,
      },
    },
  },
};
