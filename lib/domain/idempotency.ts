/** Longest Idempotency-Key kept. */
export const MAX_IDEMPOTENCY_KEY = 255;

/** How long a claimed key is remembered at least; older ones are pruned. */
export const IDEMPOTENCY_RETENTION_MS = 48 * 3_600_000;

export type IdempotencyKey =
  | { ok: true; key: string | null }
  | { ok: false; message: string };

/**
 * The `Idempotency-Key` header: absent is no key; a plain token (`abc-123`) or a structured
 * field string (`"abc-123"`, as the IETF draft writes it) of 1–255 printable ASCII characters.
 */
export function parseIdempotencyKey(header: string | null): IdempotencyKey {
  if (header === null) return { ok: true, key: null };
  let key = header.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) {
    key = key.slice(1, -1).replace(/\\(["\\])/g, "$1");
  }
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY || !/^[\x20-\x7e]+$/.test(key)) {
    return {
      ok: false,
      message:
        `The Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY} printable ASCII characters.`,
    };
  }
  return { ok: true, key };
}
