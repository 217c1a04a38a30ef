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

const carryingRequestId = new WeakSet<Response>();

/**
 * json() with the request's X-Request-Id among its headers from the start, for hot paths:
 * adding the header to a built response costs more than building the response.
 */
export function jsonWithRequestId(
  requestId: string,
  body: unknown,
  status: number,
  headers: Record<string, string> = {},
): Response {
  const res = json(body, status, { ...headers, "x-request-id": requestId });
  carryingRequestId.add(res);
  return res;
}

/** Whether the response already carries its request id (see jsonWithRequestId). */
export function carriesRequestId(res: Response): boolean {
  return carryingRequestId.has(res);
}

export function errorResponse(error: HttpError): Response {
  return json(error.body, error.status, error.headers);
}
