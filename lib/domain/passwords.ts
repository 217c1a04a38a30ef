/**
 * Operator passwords: PBKDF2-HMAC-SHA256 through WebCrypto, 600,000 iterations (OWASP's
 * 2023 figure), a 16-byte random salt and a 32-byte key, stored as
 * `pbkdf2-sha256$<iterations>$<salt base64>$<key base64>`. Verification reads the iteration
 * count from the stored hash, so raising it later keeps old hashes working.
 */
export const PBKDF2_ITERATIONS = 600_000;

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function derive(password: string, salt: Uint8Array, iterations: number) {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(password.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(
  password: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${toBase64(salt)}$${toBase64(key)}`;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** Whether `password` matches `stored`; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = stored.match(/^pbkdf2-sha256\$(\d{1,8})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/);
  if (!match) return false;
  const iterations = Number(match[1]);
  if (iterations < 1) return false;
  const expected = fromBase64(match[3]);
  return constantTimeEqual(await derive(password, fromBase64(match[2]), iterations), expected);
}

/** A hash no password matches, verified for unknown emails so both cases take as long. */
export const UNKNOWN_OPERATOR_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${
  toBase64(new Uint8Array(16))
}$${toBase64(new Uint8Array(32))}`;
