import { z } from "zod";

/** OpenAPI building blocks shared by every area's path descriptions. */
export type PathItem = Record<string, unknown>;
export type Paths = Record<string, PathItem>;

/** A JSON Schema for a request or response body, from the same zod schema that parses it. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "input") {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" });
}

export const errorSchema = {
  type: "object",
  required: ["error", "message"],
  properties: { error: { type: "string" }, message: { type: "string" } },
};

export function jsonContent(schema: unknown) {
  return { "application/json": { schema } };
}

export function response(description: string, schema?: unknown) {
  return schema === undefined ? { description } : { description, content: jsonContent(schema) };
}

export const managementErrors = {
  "401": response("Missing or wrong admin token", errorSchema),
  "404": response("No such app or resource", errorSchema),
  "422": response("Invalid input", errorSchema),
};

export const adminSecurity = [{ adminToken: [] }];

export const integerOrString = {
  oneOf: [{ type: "integer" }, { type: "string", pattern: "^-?\\d+$" }],
  description: "An integer; a string when it does not fit a double exactly",
};

export function pathParam(name: string, description: string) {
  return { name, in: "path", required: true, schema: { type: "string" }, description };
}

export function queryParam(
  name: string,
  description: string,
  schema: unknown = { type: "string" },
) {
  return { name, in: "query", required: false, schema, description };
}
