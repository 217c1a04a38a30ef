import { beaconChangeBody, newBeaconBody } from "../../domain/beacon_input.ts";
import {
  adminSecurity,
  jsonContent,
  jsonSchemaOf,
  managementErrors,
  pathParam,
  type Paths,
  queryParam,
  response,
} from "./schema.ts";

const beacon = {
  type: "object",
  properties: {
    id: { type: "string" },
    app_id: { type: "string" },
    name: { type: "string", description: "Each hit is an event of this name in the app" },
    limit: {
      type: "object",
      description: "The limit in force: the beacon's own, or the default (`default: true`)",
      properties: {
        count: { type: "integer" },
        window_s: { type: "integer" },
        default: { type: "boolean" },
      },
    },
    created_at: { type: "string", format: "date-time" },
  },
};

const beaconNameConflict = response("The app already has a beacon of that name", {
  type: "object",
  properties: { error: { const: "conflict" }, message: { type: "string" } },
});

const tokenAndUrl = {
  token: { type: "string", description: "Shown only in this answer; stored as a digest" },
  url: { type: "string", description: "The beacon's ingestion URL: GET or POST it" },
};

const gif = (description: string, headers: Record<string, unknown> = {}) => ({
  description,
  headers: {
    "Cache-Control": { schema: { const: "no-store" } },
    "Access-Control-Allow-Origin": {
      schema: { type: "string" },
      description: "The request's Origin (with credentials allowed), or `*` without one",
    },
    ...headers,
  },
  content: { "image/gif": { schema: { type: "string", format: "binary" } } },
});

export const rateLimitResponseHeaders = {
  "Retry-After": { schema: { type: "integer" }, description: "Seconds until a request is allowed" },
  "RateLimit-Limit": { schema: { type: "integer" }, description: "Requests allowed per window" },
  "RateLimit-Remaining": { schema: { type: "integer" }, description: "Requests left right now" },
  "RateLimit-Reset": {
    schema: { type: "integer" },
    description: "Seconds until the oldest counted request leaves the window",
  },
  "RateLimit-Policy": {
    schema: { type: "string" },
    description: "`<limit>;w=<window seconds>` (IETF httpapi rate-limit headers draft)",
  },
};

const beetParams = [pathParam("token", "The beacon's token (beet_…)")];

const beetDescription =
  "Always the same 1×1 transparent GIF with 200 — for unknown tokens, junk bodies and " +
  "internal errors too — except 429 (the same GIF, with Retry-After and RateLimit headers) " +
  "when the beacon is over its limit (60 per 10 s sliding window by default). Each accepted " +
  "hit is an event named after the beacon in its app. CORS-friendly: works from `<img>`, " +
  "`navigator.sendBeacon` and cross-origin `fetch` (preflight included).";

const noTokenDescription =
  "A beacon URL without its token (with or without the trailing slash) is answered as an " +
  "unknown token is: the pixel with 200, the same CORS headers, nothing recorded.";

/** `/api/v1/beet` and `/api/v1/beet/`: what an unknown token gets. */
const beetWithoutToken = {
  get: {
    summary: "A beacon URL without a token: the pixel, nothing recorded",
    description: noTokenDescription,
    responses: { "200": gif("The pixel") },
  },
  post: {
    summary: "A beacon URL without a token: the pixel, nothing recorded",
    description: `${noTokenDescription} The body is not read.`,
    responses: { "200": gif("The pixel") },
  },
  options: {
    summary: "CORS preflight",
    responses: { "204": { description: "Any origin may GET and POST" } },
  },
};

/** Beacons (§3): management calls and the ingestion pixel. */
export const beaconPaths: Paths = {
  "/api/v1/apps/{app}/beacons": {
    get: {
      summary: "List the app's beacons (their tokens are not shown again)",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      responses: {
        "200": response("Beacons", {
          type: "object",
          properties: { beacons: { type: "array", items: beacon } },
        }),
        "401": managementErrors["401"],
        "404": managementErrors["404"],
      },
    },
    post: {
      summary: "Create a beacon with its own token and optional limit",
      security: adminSecurity,
      parameters: [pathParam("app", "App id")],
      requestBody: { required: true, content: jsonContent(jsonSchemaOf(newBeaconBody)) },
      responses: {
        "201": response("Created", {
          ...beacon,
          properties: { ...beacon.properties, ...tokenAndUrl },
        }),
        ...managementErrors,
        "409": beaconNameConflict,
      },
    },
  },
  "/api/v1/apps/{app}/beacons/{beacon}": {
    get: {
      summary: "One beacon",
      security: adminSecurity,
      parameters: [pathParam("app", "App id"), pathParam("beacon", "Beacon id")],
      responses: {
        "200": response("The beacon", beacon),
        "401": managementErrors["401"],
        "404": managementErrors["404"],
      },
    },
    patch: {
      summary: "Rename a beacon or change its limit",
      description: "Give `name`, `limit` or both; `limit: null` puts the beacon back on the " +
        "default limit. Both apply from the beacon's next hit, on every instance; events " +
        "recorded before a rename keep the old name. The token stays as it is (and is not " +
        "shown).",
      security: adminSecurity,
      parameters: [pathParam("app", "App id"), pathParam("beacon", "Beacon id")],
      requestBody: { required: true, content: jsonContent(jsonSchemaOf(beaconChangeBody)) },
      responses: {
        "200": response("The beacon as it now is", beacon),
        ...managementErrors,
        "409": beaconNameConflict,
      },
    },
    delete: {
      summary: "Delete a beacon: its token stops at once; its events stay",
      security: adminSecurity,
      parameters: [pathParam("app", "App id"), pathParam("beacon", "Beacon id")],
      responses: {
        "204": { description: "Deleted" },
        "401": managementErrors["401"],
        "404": managementErrors["404"],
      },
    },
  },
  "/api/v1/apps/{app}/beacons/{beacon}/token": {
    post: {
      summary: "Rotate the beacon's token: the old one stops at once",
      security: adminSecurity,
      parameters: [pathParam("app", "App id"), pathParam("beacon", "Beacon id")],
      responses: {
        "200": response("The new token and URL", { type: "object", properties: tokenAndUrl }),
        "401": managementErrors["401"],
        "404": managementErrors["404"],
      },
    },
  },
  "/api/v1/beet/{token}": {
    get: {
      summary: "Record a beacon hit (image beacon)",
      description: beetDescription,
      parameters: [
        ...beetParams,
        queryParam("value", "A number stored with the event", { type: "number" }),
      ],
      responses: {
        "200": gif("The pixel"),
        "429": gif("Over the beacon's limit: nothing recorded", rateLimitResponseHeaders),
      },
    },
    post: {
      summary: "Record a beacon hit, optionally with a value",
      description: `${beetDescription} The body is read as JSON whatever its content type (so a ` +
        "text/plain `sendBeacon` works without a preflight); a body that is not " +
        '`{"value": <number>}` is ignored and the hit recorded without a value.',
      parameters: beetParams,
      requestBody: {
        required: false,
        content: jsonContent({
          type: "object",
          properties: { value: { type: "number" } },
        }),
      },
      responses: {
        "200": gif("The pixel"),
        "429": gif("Over the beacon's limit: nothing recorded", rateLimitResponseHeaders),
      },
    },
    options: {
      summary: "CORS preflight",
      parameters: beetParams,
      responses: { "204": { description: "Any origin may GET and POST" } },
    },
  },
  "/api/v1/beet": beetWithoutToken,
  "/api/v1/beet/": beetWithoutToken,
};
