import { CsrfField } from "../../components/CsrfField.tsx";
import { deleteSession } from "../../lib/store/operators.ts";
import type { Handlers, PageProps } from "../../lib/web/route.ts";
import { cookie, readCookie, redirect, SESSION_COOKIE } from "../../lib/web/session.ts";

export const handler: Handlers = {
  GET: (ctx) => ctx.render(undefined, { title: "Sign out" }),
  async POST(ctx) {
    const token = readCookie(ctx.req, SESSION_COOKIE);
    if (token) await deleteSession(ctx.services.db, token);
    return redirect("/login", { "set-cookie": cookie(ctx, SESSION_COOKIE, "", 0) });
  },
};

/** Without JavaScript, a link cannot post: this page holds the sign-out form. */
export default function SignOut({ state }: PageProps) {
  return (
    <section class="narrow">
      <h1>Sign out</h1>
      <form method="post" action="/logout">
        <CsrfField state={state} />
        <button type="submit" class="button primary">Sign out</button>
      </form>
    </section>
  );
}
