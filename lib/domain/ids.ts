import { createHash } from "node:crypto";

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0, bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

/** A random, URL-safe id with a kind prefix, e.g. `app_5k2q…` (80 random bits). */
export function newId(prefix: string): string {
  return `${prefix}_${base32(crypto.getRandomValues(new Uint8Array(10)))}`;
}

/** A secret with a recognisable prefix and 192 random bits, e.g. `hsk_…`. */
export function newSecret(prefix: string): string {
  return `${prefix}_${base32(crypto.getRandomValues(new Uint8Array(24)))}`;
}

/** Secrets are stored and looked up only by this digest (hex SHA-256). */
export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
