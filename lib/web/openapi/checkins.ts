import { errorSchema, type Paths, queryParam, response } from "./schema.ts";

const accepted = response("Recorded", {
  type: "object",
  properties: { accepted: { type: "integer", minimum: 1 } },
});

const unauthorized = response("Missing or wrong api_key", {
  type: "object",
  properties: { error: { const: "Unauthorized" } },
});

const limited = response("The app is over its rate limit; see Retry-After", errorSchema);

const apiKey = queryParam("api_key", "The app's token (or send it as a bearer token)");

const byParams = {
  post: {
    summary: "An AppSignal-style check-in: a ping of the app's monitor of that name",
    description:
      "The monitor is created on first use. A start and a finish with the same id — or, " +
      "without ids, the latest open start of that name — make one run with a duration. " +
      "Retrying a check-in with the same id stores it once.",
    parameters: [
      apiKey,
      { ...queryParam("heartbeat", "The check-in's name"), required: true },
      queryParam("id", "A run id pairing a start with its finish"),
      queryParam("timestamp", "Unix seconds or RFC 3339; default now (also read as timetamp)"),
      queryParam("kind", "start (any case) starts a run; anything else finishes one"),
      queryParam("name", "Accepted and ignored (the app comes from api_key)"),
      queryParam("environment", "Accepted and ignored"),
    ],
    responses: {
      "200": accepted,
      "401": unauthorized,
      "422": response("A missing name or a bad timestamp", errorSchema),
      "429": limited,
    },
  },
};

/** AppSignal-compatible job check-ins (§2). */
export const checkInPaths: Paths = {
  "/heartbeat": byParams,
  "/heartbeats": byParams,
  "/heartbeats/json": {
    post: {
      summary: "AppSignal-style check-ins as NDJSON: {name, id?, timestamp?, kind?} per object",
      description:
        "One object per line; objects on one line separated only by spaces are read too. " +
        "One bad line fails the whole request, naming the line, and nothing is stored.",
      parameters: [apiKey],
      requestBody: {
        required: true,
        content: { "application/x-ndjson": { schema: { type: "string" } } },
      },
      responses: {
        "200": accepted,
        "401": unauthorized,
        "413": response("Body over 1 MiB", errorSchema),
        "422": response("A bad line", {
          type: "object",
          properties: {
            error: { const: "validation_failed" },
            message: { type: "string" },
            line: { type: "integer" },
          },
        }),
        "429": limited,
      },
    },
  },
};
