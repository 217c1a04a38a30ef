/** Display formatting shared by server-rendered pages and islands (no I/O, no DOM). */

/** An integer (string, bigint or number) with thousands separators: 1234567 → "1,234,567". */
export function formatInteger(value: string | bigint | number): string {
  let text: string;
  try {
    text = BigInt(value).toString();
  } catch {
    return String(value);
  }
  const negative = text.startsWith("-");
  const digits = negative ? text.slice(1) : text;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return negative ? `-${grouped}` : grouped;
}

/** A short, exact-enough count for tight spaces: 1234 → "1.2k", 5600000 → "5.6M". */
export function formatCompact(value: string | bigint | number): string {
  let big: bigint;
  try {
    big = BigInt(value);
  } catch {
    return String(value);
  }
  const abs = big < 0n ? -big : big;
  const sign = big < 0n ? "-" : "";
  const units: [bigint, string][] = [[1_000_000_000_000n, "T"], [1_000_000_000n, "B"], [
    1_000_000n,
    "M",
  ], [1_000n, "k"]];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const tenths = (abs * 10n) / size;
      const whole = tenths / 10n;
      const fraction = tenths % 10n;
      return `${sign}${whole}${whole < 100n && fraction !== 0n ? `.${fraction}` : ""}${unit}`;
    }
  }
  return `${sign}${abs}`;
}

/** A time in a timezone, e.g. "17 Jan 2024, 10:30" (24-hour clock). */
export function formatDateTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(date);
}
