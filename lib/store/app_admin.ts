import type { Kysely } from "kysely";
import { newId, newSecret, secretDigest } from "../domain/ids.ts";
import { type App, insertApp, replaceTokenDigest } from "./apps.ts";
import type { Schema } from "./schema.ts";

/** Creates an app with a new token; the token is returned this once and stored as a digest. */
export async function createAppWithToken(
  db: Kysely<Schema>,
  input: { name: string; timezone: string },
): Promise<{ app: App; token: string }> {
  const token = newSecret("hs");
  const app = await insertApp(db, {
    id: newId("app"),
    name: input.name,
    timezone: input.timezone,
    tokenDigest: secretDigest(token),
  });
  return { app, token };
}

/**
 * Gives the app a new token and returns it; undefined when there is no such app. The caller
 * evicts the old token from the AppTokens cache.
 */
export async function rotateAppToken(
  db: Kysely<Schema>,
  appId: string,
): Promise<string | undefined> {
  const token = newSecret("hs");
  return await replaceTokenDigest(db, appId, secretDigest(token)) ? token : undefined;
}
