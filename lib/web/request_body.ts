import { HttpError } from "./http_error.ts";

/** Reads at most `limit` bytes of the body; a longer body is a 413, whatever it claims. */
export async function readBodyCapped(req: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new HttpError(413, {
      error: "Payload Too Large",
      message: `The request body must not be larger than ${limit} bytes.`,
    });
  const length = req.headers.get("content-length");
  if (length !== null && Number(length) > limit) throw tooLarge();
  if (length !== null && /^\d+$/.test(length)) {
    // The runtime's fast path (touching req.body first would force the slow stream path);
    // the declared length already bounds it.
    try {
      return new Uint8Array(await req.arrayBuffer());
    } catch {
      throw new HttpError(400, { error: "Bad Request", message: "The request body was cut off." });
    }
  }
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, { error: "Bad Request", message: "The request body was cut off." });
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const integerLiteral = /^-?\d+$/;
/** Every integer beyond 2^53 has at least 16 digits. */
const longDigitRun = /\d{16}/;

/** JSON.parse that keeps integers beyond 2^53 exact, as bigint. */
function parseJsonExact(text: string): unknown {
  // The reviver costs more than the parse: only a body with a long digit run needs it.
  if (!longDigitRun.test(text)) return JSON.parse(text);
  return JSON.parse(
    text,
    (_key, value, context?: { source?: string }) =>
      typeof value === "number" && !Number.isSafeInteger(value) && context?.source &&
        integerLiteral.test(context.source)
        ? BigInt(context.source)
        : value,
  );
}

const malformed = (message: string) => new HttpError(400, { error: "Bad Request", message });

/**
 * The request's fields as Laravel would see them: a JSON body, or a form-encoded one when the
 * content type says so. An empty body is no fields.
 */
export async function readRequestFields(req: Request, limit: number): Promise<unknown> {
  const bytes = await readBodyCapped(req, limit);
  if (bytes.byteLength === 0) return {};
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw malformed("The request body is not valid UTF-8.");
  }
  const type = req.headers.get("content-type")?.toLowerCase() ?? "";
  // `curl -d '{…}'` labels JSON as a form: a body that opens like JSON is read as JSON.
  if (type.startsWith("application/x-www-form-urlencoded") && !/^\s*[[{]/.test(text)) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch {
    throw malformed("The request body is not valid JSON.");
  }
  // Deeper input would overflow the stack of whatever walks it next; PHP's json_decode
  // refuses it too. A body this short cannot nest that deep.
  if (text.length > 2 * MAX_DEPTH && nestsDeeperThan(text, MAX_DEPTH)) {
    throw malformed(`The request body nests deeper than ${MAX_DEPTH} levels.`);
  }
  return parsed;
}

/** PHP's json_decode default depth. */
const MAX_DEPTH = 512;

/** Whether valid JSON text opens more than `max` arrays or objects inside each other. */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
