import type { z } from "zod";
import { apiError } from "./http_error.ts";
import { readRequestFields } from "./request_body.ts";
import type { RouteContext } from "./route.ts";

const MANAGEMENT_BODY_LIMIT = 64 * 1024;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((
      issue,
    ) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** Parses `value` with `schema`, or throws a 422 in the management API's error shape. */
export function parseOr422<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw apiError(422, "validation_failed", describeIssues(result.error));
  return result.data;
}

/** The JSON body of a management call, validated. */
export async function jsonBody<T extends z.ZodType>(
  ctx: RouteContext,
  schema: T,
): Promise<z.output<T>> {
  return parseOr422(schema, await readRequestFields(ctx.req, MANAGEMENT_BODY_LIMIT));
}

/** The query string of a management call, validated. */
export function queryParams<T extends z.ZodType>(ctx: RouteContext, schema: T): z.output<T> {
  return parseOr422(schema, Object.fromEntries(ctx.url.searchParams));
}
