import { z } from "zod";
import { parseClientDate } from "./dates.ts";

/** One AppSignal-style check-in: a start or a finish of the named job. */
export interface CheckIn {
  name: string;
  kind: "start" | "finish";
  /** The client's run id, pairing a start with its finish. */
  runId: string | null;
  /** null: the time of receipt. */
  at: Date | null;
}

export type CheckInParse =
  | { ok: true; checkIns: CheckIn[] }
  | { ok: false; line: number; message: string };

/** `start` in any case is a start; anything else, or nothing, is a finish (AppSignal's rule). */
export function checkInKind(value: unknown): "start" | "finish" {
  return typeof value === "string" && value.trim().toLowerCase() === "start" ? "start" : "finish";
}

const checkInFields = z.object({
  name: z.string({ error: "name is required and must be a string" }).trim()
    .min(1, "name must not be empty").max(255, "name must be at most 255 characters")
    .refine((name) => name.isWellFormed() && !name.includes("\0"), "name has invalid characters"),
  id: z.union([z.string().trim().max(255), z.number().transform(String)], {
    error: "id must be a string",
  }).optional().nullable(),
  timestamp: z.union([z.number(), z.string()], {
    error: "timestamp must be Unix seconds or an RFC 3339 date",
  }).optional().nullable(),
  kind: z.unknown().optional(),
});

/** Validates one check-in given as fields (URL parameters or one NDJSON object). */
export function readCheckIn(fields: unknown): { ok: true; checkIn: CheckIn } | {
  ok: false;
  message: string;
} {
  const parsed = checkInFields.safeParse(fields);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
  }
  const { name, id, timestamp, kind } = parsed.data;
  let at: Date | null = null;
  if (timestamp !== undefined && timestamp !== null && timestamp !== "") {
    const date = parseClientDate(timestamp);
    if (!date) return { ok: false, message: "timestamp must be Unix seconds or an RFC 3339 date" };
    at = date;
  }
  return {
    ok: true,
    checkIn: { name, kind: checkInKind(kind), runId: id ? id : null, at },
  };
}

/**
 * Splits one line into its top-level JSON texts: NDJSON has one per line, and AppSignal's
 * own example sends several objects on one line separated only by spaces.
 */
export function splitJsonTexts(line: string): string[] | undefined {
  const texts: string[] = [];
  let depth = 0, start = -1, inString = false, escaped = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      if (depth === 0) return undefined;
    } else if (c === "{" || c === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) texts.push(line.slice(start, i + 1));
    } else if (depth === 0 && !/\s/.test(c)) {
      return undefined;
    }
  }
  return depth === 0 && !inString ? texts : undefined;
}

/** Parses an NDJSON body of check-ins; any bad line fails the whole body, naming the line. */
export function parseCheckInLines(body: string): CheckInParse {
  const checkIns: CheckIn[] = [];
  const lines = body.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    if (lines[index].trim() === "") continue;
    const texts = splitJsonTexts(lines[index]);
    if (!texts) return { ok: false, line, message: "not valid JSON" };
    for (const text of texts) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { ok: false, line, message: "not valid JSON" };
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { ok: false, line, message: "each check-in must be a JSON object" };
      }
      const result = readCheckIn(value);
      if (!result.ok) return { ok: false, line, message: result.message };
      checkIns.push(result.checkIn);
    }
  }
  if (checkIns.length === 0) return { ok: false, line: 1, message: "no check-ins in the body" };
  return { ok: true, checkIns };
}
