import { newAppBody } from "../../domain/app_input.ts";
import { rateLimitResponseHeaders } from "./beacons.ts";
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

const totals = {
  type: "object",
  properties: { count: integerOrString, weight: integerOrString },
};

const app = {
  type: "object",
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    timezone: { type: "string" },
    created_at: { type: "string", format: "date-time" },
  },
};

const dateParam = "RFC 3339, YYYY-MM-DD HH:MM:SS, YYYY-MM-DD (UTC) or Unix seconds";

/** Health, the events API (§1) and the app, token and reading calls. */
export const corePaths: Paths = {
  "/healthz": {
    get: {
      summary: "Whether the server takes requests and its database answers",
      responses: {
        "200": response("Healthy", { type: "object", properties: { status: { const: "ok" } } }),
        "503": response("The database does not answer"),
      },
    },
  },
  "/api/openapi.json": {
    get: { summary: "This document", responses: { "200": response("OpenAPI 3.1 document") } },
  },
  "/api/v1/heartbeat": {
    post: {
      summary: "Record one event (the Hartslag integration guide)",
      security: [{ appToken: [] }],
      parameters: [{
        name: "Idempotency-Key",
        in: "header",
        required: false,
        schema: { type: "string", minLength: 1, maxLength: 255 },
        description:
          "Optional: a retry with the same key (per app, within at least 24 hours) is answered 201 and stored once",
      }],
      requestBody: {
        required: true,
        content: jsonContent({
          type: "object",
          required: ["event"],
          properties: {
            event: { type: "string", minLength: 1, maxLength: 255 },
            weight: {
              oneOf: [{ type: "integer" }, { type: "string", pattern: "^[+-]?\\d+$" }],
              default: 1,
              description: "A signed 64-bit integer",
            },
            user_id: { oneOf: [{ type: "integer" }, { type: "null" }] },
            created_at: {
              oneOf: [{ type: "string" }, { type: "integer" }],
              description: `When it happened: ${dateParam}; omitted means the time of receipt`,
            },
          },
        }),
      },
      responses: {
        "201": {
          ...response("Stored durably", { type: "array", maxItems: 0 }),
          headers: rateLimitResponseHeaders,
        },
        "400": response("Malformed JSON or a bad Idempotency-Key", errorSchema),
        "401": response("Missing or wrong app token", {
          type: "object",
          properties: { error: { const: "Unauthorized" } },
        }),
        "413": response("Body over 64 KiB", errorSchema),
        "422": response("Validation failed (Laravel's shape)", {
          type: "object",
          required: ["message", "errors"],
          properties: {
            message: { type: "string" },
            errors: {
              type: "object",
              additionalProperties: { type: "array", items: { type: "string" } },
            },
          },
        }),
        "429": {
          ...response("Over the app's rate limit (sliding window): nothing stored", {
            type: "object",
            properties: { error: { const: "Too Many Requests" } },
          }),
          headers: rateLimitResponseHeaders,
        },
        "503": response("Queue full or database unavailable; see Retry-After", errorSchema),
      },
    },
  },
  "/api/v1/apps": {
    get: {
      summary: "List apps",
      security: adminSecurity,
      responses: {
        "200": response("Apps", {
          type: "object",
          properties: { apps: { type: "array", items: app } },
        }),
        "401": managementErrors["401"],
      },
    },
    post: {
      summary: "Create an app; its token is shown only in this answer",
      security: adminSecurity,
      requestBody: { required: true, content: jsonContent(jsonSchemaOf(newAppBody)) },
      responses: {
        "201": response("Created", {
          ...app,
          properties: { ...app.properties, token: { type: "string" } },
        }),
        "401": managementErrors["401"],
        "422": managementErrors["422"],
      },
    },
  },
  "/api/v1/apps/{app}/token": {
    post: {
      summary: "Rotate the app's token: the old one stops at once",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      responses: {
        "200": response("The new token", {
          type: "object",
          properties: { token: { type: "string" } },
        }),
        "401": managementErrors["401"],
        "404": managementErrors["404"],
      },
    },
  },
  "/api/v1/apps/{app}/events": {
    get: {
      summary: "Every event's today, week, month and total in the app's timezone",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      responses: {
        "200": response("Totals", {
          type: "object",
          properties: {
            timezone: { type: "string" },
            events: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  event: { type: "string" },
                  today: totals,
                  week: totals,
                  month: totals,
                  total: totals,
                },
              },
            },
          },
        }),
        "401": managementErrors["401"],
        "404": managementErrors["404"],
      },
    },
  },
  "/api/v1/apps/{app}/events/{event}/series": {
    get: {
      summary: "Counts and weight sums per bucket; hours and days are local to the app",
      security: adminSecurity,
      parameters: [
        pathParam("app", "App id"),
        pathParam("event", "Event name"),
        queryParam("bucket", "Bucket size", { enum: ["minute", "hour", "day"], default: "hour" }),
        queryParam("from", `Start (${dateParam}); default: one hour, day or 30 days back`),
        queryParam("to", `End, exclusive (${dateParam}); default: now`),
      ],
      responses: {
        "200": response("Points, empty buckets included", {
          type: "object",
          properties: {
            bucket: { type: "string" },
            timezone: { type: "string" },
            points: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  t: { type: "string", format: "date-time" },
                  count: integerOrString,
                  weight: integerOrString,
                },
              },
            },
          },
        }),
        ...managementErrors,
      },
    },
  },
  "/api/v1/apps/{app}/export.csv": {
    get: {
      summary: "Raw events as CSV, streamed: event,weight,user_id,created_at",
      security: adminSecurity,
      parameters: [
        pathParam("app", "App id"),
        queryParam("from", `Start (${dateParam})`),
        queryParam("to", `End, exclusive (${dateParam})`),
        queryParam("event", "Only this event"),
      ],
      responses: {
        "200": { description: "CSV", content: { "text/csv": { schema: { type: "string" } } } },
        ...managementErrors,
      },
    },
  },
};
