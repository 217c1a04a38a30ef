export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const integerText = /^[+-]?(0|[1-9][0-9]*)$/;

/**
 * PHP's FILTER_VALIDATE_INT as Laravel's `integer` rule applies it: integral numbers and
 * numeric strings within the signed 64-bit range. Returns undefined when the value fails.
 * Big integers arrive as bigint from the body parser, so they stay exact.
 */
export function parseInt64(value: unknown): bigint | undefined {
  let result: bigint;
  if (typeof value === "bigint") {
    result = value;
  } else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return undefined;
    result = BigInt(value);
  } else if (typeof value === "string") {
    const text = value.trim();
    if (!integerText.test(text)) return undefined;
    result = BigInt(text);
  } else {
    return undefined;
  }
  return result >= INT64_MIN && result <= INT64_MAX ? result : undefined;
}

/** A 64-bit or wider integer as JSON: a number when a double holds it exactly, else a string. */
export function jsonInteger(value: bigint | string | number): number | string {
  const big = BigInt(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big.toString();
}
