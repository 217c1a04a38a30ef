import type { Kysely } from "kysely";
import { secretDigest } from "../domain/ids.ts";
import { type App, findAppByTokenDigest } from "./apps.ts";
import type { Schema } from "./schema.ts";

interface Entry {
  app: App | undefined;
  expiresAt: number;
}

/**
 * Token → app, cached by the token's digest. Unknown tokens are cached briefly too, so a
 * flood of bad tokens does not become a flood of queries. `forget` drops an app's entry at
 * once when its token is rotated; the TTL bounds how long another instance may still
 * accept an old token.
 */
export class AppTokens {
  #byDigest = new Map<string, Entry>();
  #digestByApp = new Map<string, string>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token's app; synchronous while the answer is cached, so the hot path need not wait. */
  authenticate(token: string): App | undefined | Promise<App | undefined> {
    const digest = secretDigest(token);
    const cached = this.#byDigest.get(digest);
    if (cached && cached.expiresAt > this.now()) return cached.app;
    return this.#load(digest);
  }

  async #load(digest: string): Promise<App | undefined> {
    const app = await findAppByTokenDigest(this.db, digest);
    if (this.#byDigest.size >= this.maxEntries) this.#byDigest.clear();
    this.#byDigest.set(digest, { app, expiresAt: this.now() + this.ttlMs });
    if (app) this.#digestByApp.set(app.id, digest);
    return app;
  }

  forget(appId: string): void {
    const digest = this.#digestByApp.get(appId);
    if (digest !== undefined) this.#byDigest.delete(digest);
    this.#digestByApp.delete(appId);
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
