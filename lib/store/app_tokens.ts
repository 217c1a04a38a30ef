import type { Kysely } from "kysely";
import { secretDigest } from "../domain/ids.ts";
import { type App, findAppByTokenDigest } from "./apps.ts";
import type { Schema } from "./schema.ts";

interface Entry {
  app: App | undefined;
  expiresAt: number;
}

/** Issued tokens are 42 characters; anything far longer is unknown without a lookup. */
const MAX_TOKEN_LENGTH = 128;

/**
 * Token → app, cached by the presented token itself: hashing every request's token costs
 * more than the rest of its authentication, so the digest is computed only for the database
 * lookup. Unknown tokens are cached briefly too, so a flood of bad tokens does not become a
 * flood of queries. `forget` drops an app's entry at once when its token is rotated; the
 * TTL bounds how long another instance may still accept an old token.
 */
export class AppTokens {
  #byToken = new Map<string, Entry>();
  #tokenByApp = new Map<string, string>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token's app; synchronous while the answer is cached, so the hot path need not wait. */
  authenticate(token: string): App | undefined | Promise<App | undefined> {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const cached = this.#byToken.get(token);
    if (cached && cached.expiresAt > this.now()) return cached.app;
    return this.#load(token);
  }

  async #load(token: string): Promise<App | undefined> {
    const app = await findAppByTokenDigest(this.db, secretDigest(token));
    if (this.#byToken.size >= this.maxEntries) {
      this.#byToken.clear();
      this.#tokenByApp.clear();
    }
    this.#byToken.set(token, { app, expiresAt: this.now() + this.ttlMs });
    if (app) this.#tokenByApp.set(app.id, token);
    return app;
  }

  forget(appId: string): void {
    const token = this.#tokenByApp.get(appId);
    if (token !== undefined) this.#byToken.delete(token);
    this.#tokenByApp.delete(appId);
  }
}

/** The token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | null): string | undefined {
  const match = header?.match(/^Bearer[ \t]+([^\s]+)[ \t]*$/i);
  return match?.[1];
}

/** The NOTIFY channel on which a token change is announced as `<kind>:<id>` (migration 0005). */
export const TOKEN_CHANNEL = "hartslag_tokens";

/**
 * Hands a token-change notice to the cache of its kind (`app:<id>` → the app token cache);
 * notices of kinds nobody handles are ignored.
 */
export function applyTokenNotice(
  payload: string,
  handlers: ReadonlyMap<string, (id: string) => void>,
): void {
  const colon = payload.indexOf(":");
  if (colon <= 0) return;
  handlers.get(payload.slice(0, colon))?.(payload.slice(colon + 1));
}
