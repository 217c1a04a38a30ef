/** A minimal cookie-keeping client for the dashboard's pages, for integration tests. */
export const OPERATOR = { email: "ops@example.com", password: "correct horse battery" };

export const operatorEnv = {
  HARTSLAG_ADMIN_EMAIL: OPERATOR.email,
  HARTSLAG_ADMIN_PASSWORD: OPERATOR.password,
};

export class Browser {
  cookies = new Map<string, string>();

  constructor(public baseUrl: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      const expired = attributes.some((a) => a.trim().toLowerCase() === "max-age=0");
      if (expired || value === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.trim());
    }
    return res;
  }

  async page(path: string): Promise<{ status: number; html: string; res: Response }> {
    const res = await this.fetch(path);
    return { status: res.status, html: await res.text(), res };
  }

  /** Posts a form; `_csrf` is taken from the page at `from` unless given. */
  async submit(
    path: string,
    fields: Record<string, string>,
    from?: string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (!body.has("_csrf")) body.set("_csrf", csrfOf((await this.page(from ?? path)).html));
    return await this.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
    });
  }

  async signIn(email = OPERATOR.email, password = OPERATOR.password): Promise<Response> {
    const res = await this.submit("/login", { email, password, next: "/" });
    await res.body?.cancel();
    return res;
  }
}

export function csrfOf(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error("no CSRF field on the page");
  return match[1];
}

export function tokenOf(html: string): string {
  const match = html.match(/id="token-value"[^>]*value="(hs_[0-9a-z]+)"/);
  if (!match) throw new Error("no token on the page");
  return match[1];
}
