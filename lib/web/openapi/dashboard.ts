import { pathParam, type Paths, queryParam, response } from "./schema.ts";

const dateParam = "RFC 3339, YYYY-MM-DD HH:MM:SS, YYYY-MM-DD (UTC) or Unix seconds";
const session = [{ operatorSession: [] }];
const signedOut = { "303": response("Not signed in: a redirect to /login") };

/**
 * The dashboard's non-page routes a browser calls (pages themselves are HTML and not listed).
 * They authenticate with the operator's session cookie, which the JSON APIs never accept.
 */
export const dashboardPaths: Paths = {
  "/apps/{app}/export.csv": {
    get: {
      summary: "The app's events as CSV, for a signed-in operator (same as the management API)",
      security: session,
      parameters: [
        pathParam("app", "App id"),
        queryParam("from", `Earliest created_at (inclusive); ${dateParam}`),
        queryParam("to", `Latest created_at (exclusive); ${dateParam}`),
        queryParam("event", "Only this event name"),
      ],
      responses: {
        "200": {
          description: "Streamed CSV with header event,weight,user_id,created_at",
          content: { "text/csv": { schema: { type: "string" } } },
        },
        ...signedOut,
      },
    },
  },
  "/apps/{app}/live": {
    get: {
      summary: "Live event counts of an app as server-sent events (`event: counts`)",
      description:
        'Each message\'s data is `{"events": [{"event", "today", "week", "month", "total"}]}` with counts and weights as strings; sent when the app\'s events change, at most once a second.',
      security: session,
      parameters: [pathParam("app", "App id")],
      responses: {
        "200": {
          description: "An event stream",
          content: { "text/event-stream": { schema: { type: "string" } } },
        },
        ...signedOut,
      },
    },
  },
  "/apps/{app}/monitors.json": {
    get: {
      summary: "The app's monitors with their statuses now, for the monitors board's island",
      description:
        'Returns `{"monitors": [{"id", "name", "kind", "status", "schedule", "graceS", "lastPingAt", "lastPingFailed", "dueAt"}]}`, down first, then late, then the rest.',
      security: session,
      parameters: [pathParam("app", "App id")],
      responses: {
        "200": response("The board's rows"),
        "404": response("No such app"),
        ...signedOut,
      },
    },
  },
  "/apps/{app}/monitors/{id}/pause": {
    post: {
      summary: "Pauses a monitor (the monitor page's form; needs the session's CSRF token)",
      security: session,
      parameters: [pathParam("app", "App id"), pathParam("id", "Monitor id")],
      responses: {
        "303": response("Back to the monitor page (or to /login when not signed in)"),
        "403": response("Missing or wrong CSRF token"),
        "404": response("No such monitor in this app"),
      },
    },
  },
  "/apps/{app}/monitors/{id}/resume": {
    post: {
      summary: "Resumes a paused monitor (the monitor page's form; needs the CSRF token)",
      security: session,
      parameters: [pathParam("app", "App id"), pathParam("id", "Monitor id")],
      responses: {
        "303": response("Back to the monitor page (or to /login when not signed in)"),
        "403": response("Missing or wrong CSRF token"),
        "404": response("No such monitor in this app"),
      },
    },
  },
  "/docs/integration-guide.md": {
    get: {
      summary: "The integration guide as Markdown, with this instance's base URL filled in",
      responses: {
        "200": {
          description: "The guide",
          content: { "text/markdown": { schema: { type: "string" } } },
        },
      },
    },
  },
};
