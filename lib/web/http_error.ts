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

export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const text = JSON.stringify(
    body,
    (_key, value) => (typeof value === "bigint" ? value.toString() : value),
  );
  const response = new Response(text, { status, headers });
  response.headers.set("content-type", "application/json; charset=utf-8");
  return response;
}

export function errorResponse(error: HttpError): Response {
  return json(error.body, error.status, error.headers);
}
