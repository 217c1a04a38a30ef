import { newSecret } from "../lib/domain/ids.ts";
import { UNKNOWN_OPERATOR_HASH, verifyPassword } from "../lib/domain/passwords.ts";
import { createSession, findOperatorByEmail, SESSION_LIFETIME_MS } from "../lib/store/operators.ts";
import {
  assertSameOrigin,
  cookie,
  CSRF_FIELD,
  currentSession,
  readCookie,
  readForm,
  redirect,
  safeNext,
  SESSION_COOKIE,
  SIGN_IN_CSRF_COOKIE,
} from "../lib/web/session.ts";
import type { Handlers, PageProps, RouteContext } from "../lib/web/route.ts";
import { timingSafeEqual } from "hono/utils/buffer";

interface Data {
  csrf: string;
  next: string;
  email: string;
  error?: string;
}

const SIGN_IN_COOKIE_AGE = 60 * 60;

/** The sign-in form's double-submit token: the cookie's, or a new one (set on render). */
function signInToken(ctx: RouteContext): { token: string; fresh: boolean } {
  const existing = readCookie(ctx.req, SIGN_IN_CSRF_COOKIE);
  if (existing && /^csrf_[0-9a-z]{20,80}$/.test(existing)) return { token: existing, fresh: false };
  return { token: newSecret("csrf"), fresh: true };
}

function renderForm(ctx: RouteContext, data: Omit<Data, "csrf">, status = 200) {
  const { token, fresh } = signInToken(ctx);
  const headers = new Headers();
  if (fresh) {
    headers.append("set-cookie", cookie(ctx, SIGN_IN_CSRF_COOKIE, token, SIGN_IN_COOKIE_AGE));
  }
  return ctx.render({ ...data, csrf: token }, { status, headers, title: "Sign in" });
}

export const handler: Handlers = {
  async GET(ctx) {
    const next = safeNext(ctx.url.searchParams.get("next"));
    if (await currentSession(ctx)) return redirect(next);
    return renderForm(ctx, { next, email: "" });
  },

  async POST(ctx) {
    assertSameOrigin(ctx);
    const form = await readForm(ctx);
    const email = (form.get("email") ?? "").trim().slice(0, 320);
    const password = form.get("password") ?? "";
    const next = safeNext(form.get("next"));
    const expected = readCookie(ctx.req, SIGN_IN_CSRF_COOKIE) ?? "";
    const given = form.get(CSRF_FIELD) ?? "";
    if (!expected || !given || !(await timingSafeEqual(given, expected))) {
      return renderForm(ctx, {
        next,
        email,
        error: "The sign-in form had expired. Please try again.",
      }, 403);
    }
    const { signInLimits } = ctx.services;
    const address = ctx.remoteAddr ?? "unknown";
    const wait = signInLimits.retryAfterSeconds(email, address);
    if (wait > 0) {
      ctx.services.metrics.refused.sign_in.inc();
      const minutes = Math.ceil(wait / 60);
      const response = await renderForm(ctx, {
        next,
        email,
        error: `Too many failed attempts. Try again in ${minutes} minute${
          minutes === 1 ? "" : "s"
        }.`,
      }, 429);
      response.headers.set("retry-after", String(wait));
      return response;
    }
    const operator = email ? await findOperatorByEmail(ctx.services.db, email) : undefined;
    const valid = await verifyPassword(password, operator?.passwordHash ?? UNKNOWN_OPERATOR_HASH);
    if (!operator || !valid) {
      signInLimits.failed(email, address);
      ctx.log.log("info", "sign-in failed", { address });
      return renderForm(ctx, { next, email, error: "That email and password do not match." }, 401);
    }
    signInLimits.succeeded(email);
    const session = await createSession(ctx.services.db, operator.id, ctx.services.now());
    const headers = new Headers();
    headers.append(
      "set-cookie",
      cookie(ctx, SESSION_COOKIE, session.token, SESSION_LIFETIME_MS / 1000),
    );
    headers.append("set-cookie", cookie(ctx, SIGN_IN_CSRF_COOKIE, "", 0));
    return redirect(next, headers);
  },
};

export default function SignIn({ data }: PageProps<Data>) {
  return (
    <section class="signin">
      <div class="signin-card">
        <h1>Sign in</h1>
        <p class="muted">Operators of this Hartslag instance sign in here.</p>
        {data.error && (
          <p class="notice error" role="alert" id="signin-error">
            {data.error}
          </p>
        )}
        <form method="post" action="/login" class="stack">
          <input type="hidden" name={CSRF_FIELD} value={data.csrf} />
          <input type="hidden" name="next" value={data.next} />
          <label class="field">
            <span>Email</span>
            <input
              type="email"
              name="email"
              autocomplete="username"
              required
              value={data.email}
              autofocus
              aria-describedby={data.error ? "signin-error" : undefined}
            />
          </label>
          <label class="field">
            <span>Password</span>
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
          <button type="submit" class="button primary">Sign in</button>
        </form>
      </div>
    </section>
  );
}
