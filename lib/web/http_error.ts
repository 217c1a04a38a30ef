/**
 * An error that is the client's to fix or a known outage, carrying the exact JSON body to
 * answer with. Anything else that escapes a handler is a 500 with a request id.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.message === "string" ? body.message : String(body.error));
  }
}

/** The management API's error shape: `{"error": "<code>", "message": "<human text>"}`. */
export function apiError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, { error: code, message });
}

const bigintAsString = (_key: string, value: unknown) =>
  typeof value === "bigint" ? value.toString() : value;

export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  // Headers go in with the constructor: setting them one by one afterwards costs more.
  return new Response(JSON.stringify(body, bigintAsString), {
    status,
    headers: { ...headers, "content-type": "application/json; charset=utf-8" },
  });
}

export function errorResponse(error: HttpError): Response {
  return json(error.body, error.status, error.headers);
}
