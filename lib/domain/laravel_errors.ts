/** A Laravel-style error bag: field name → messages, in rule order. */
export type ErrorBag = Record<string, string[]>;

export interface LaravelValidationBody {
  message: string;
  errors: ErrorBag;
}

/**
 * The body Laravel 10+ renders for a failed validation: the first message, and
 * " (and N more error[s])" counting every other message of every field.
 */
export function laravelValidationBody(errors: ErrorBag): LaravelValidationBody {
  const messages = Object.values(errors).flat();
  const first = messages[0] ?? "The given data was invalid.";
  const more = messages.length - 1;
  const message = more > 0 ? `${first} (and ${more} more error${more === 1 ? "" : "s"})` : first;
  return { message, errors };
}

/** Laravel's attribute humanising for messages: snake_case → "snake case". */
export function humanise(field: string): string {
  return field.replaceAll("_", " ");
}

const edgeWhitespace = /^[\s\uFEFF\u200B\u200E]+|[\s\uFEFF\u200B\u200E]+$/gu;

/** Printable ASCII other than the space: no character of it is trimmed. */
const isPrintableAscii = (code: number) => code > 0x20 && code < 0x7f;

/**
 * Laravel's TrimStrings and ConvertEmptyStringsToNull middleware, applied to a decoded body:
 * every string is trimmed, and an empty one becomes null.
 */
export function normaliseLaravelInput(value: unknown): unknown {
  if (typeof value === "string") {
    // Most strings start and end with a visible ASCII character: nothing to trim.
    if (
      isPrintableAscii(value.charCodeAt(0)) && isPrintableAscii(value.charCodeAt(value.length - 1))
    ) {
      return value;
    }
    const trimmed = value.replace(edgeWhitespace, "");
    return trimmed === "" ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(normaliseLaravelInput);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, normaliseLaravelInput(inner)]),
    );
  }
  return value;
}
