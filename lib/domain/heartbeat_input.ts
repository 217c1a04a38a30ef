import { z } from "zod";
import { parseClientDate } from "./dates.ts";
import { parseInt64 } from "./integers.ts";
import { type ErrorBag, humanise, normaliseLaravelInput } from "./laravel_errors.ts";

/** One event as the ingestion endpoint accepts it, after validation. */
export interface HeartbeatInput {
  event: string;
  weight: bigint;
  userId: bigint | null;
  /** null: the time of receipt. */
  createdAt: Date | null;
}

const required = (field: string) => `The ${humanise(field)} field is required.`;
const mustBeInteger = (field: string) => `The ${humanise(field)} field must be an integer.`;

const absent = (value: unknown) => value === undefined || value === null;

const eventName = z.unknown().transform((value, ctx) => {
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (absent(value)) return fail(required("event"));
  if (typeof value !== "string") return fail("The event field must be a string.");
  if (!value.isWellFormed() || value.includes("\0")) {
    return fail("The event field must not contain NUL characters or unpaired surrogates.");
  }
  // Code points, not UTF-16 units; only a string of more than 255 units can have too many.
  if (value.length > 255 && [...value].length > 255) {
    return fail("The event field must not be greater than 255 characters.");
  }
  return value;
});

const optionalInt64 = (field: string) =>
  z.unknown().transform((value, ctx) => {
    if (absent(value)) return null;
    const parsed = parseInt64(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: "custom", message: mustBeInteger(field) });
      return z.NEVER;
    }
    return parsed;
  });

const optionalDate = z.unknown().transform((value, ctx) => {
  if (absent(value)) return null;
  const parsed = parseClientDate(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: "custom", message: "The created at field must be a valid date." });
    return z.NEVER;
  }
  return parsed;
});

/** The fields of POST /api/v1/heartbeat in Laravel's rule order, each with its rules. */
export const heartbeatFields = {
  event: eventName,
  weight: optionalInt64("weight"),
  user_id: optionalInt64("user_id"),
  created_at: optionalDate,
};

export type HeartbeatValidation =
  | { ok: true; value: HeartbeatInput }
  | { ok: false; errors: ErrorBag };

/** Validates a decoded body as Laravel would after its TrimStrings middleware. */
export function validateHeartbeat(body: unknown): HeartbeatValidation {
  // Only these fields are read, so only they are normalised (strings trimmed, "" to null).
  const input: Record<string, unknown> =
    body !== null && typeof body === "object" && !Array.isArray(body)
      ? body as Record<string, unknown>
      : {};
  const errors: ErrorBag = {};
  const field = <T>(name: keyof typeof heartbeatFields, schema: z.ZodType<T>): T | undefined => {
    const value = Object.hasOwn(input, name) ? input[name] : undefined;
    const result = schema.safeParse(normaliseLaravelInput(value));
    if (result.success) return result.data;
    errors[name] = result.error.issues.map((issue) => issue.message);
    return undefined;
  };
  const event = field("event", heartbeatFields.event);
  const weight = field("weight", heartbeatFields.weight);
  const userId = field("user_id", heartbeatFields.user_id);
  const createdAt = field("created_at", heartbeatFields.created_at);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      event: event as string,
      weight: weight ?? 1n,
      userId: userId ?? null,
      createdAt: createdAt ?? null,
    },
  };
}
