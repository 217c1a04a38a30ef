import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { readConfig } from "../lib/config.ts";
import { silentLogger } from "../lib/log.ts";
import { ensureOperator, findOperatorByEmail } from "../lib/store/operators.ts";
import { startServer } from "../main.ts";
import { Browser, csrfOf, OPERATOR, operatorEnv, tokenOf } from "./support/dashboard.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { againstBundle, client, databaseChoices, startTestServer } from "./support/server.ts";

/** Reads server-sent events until one named `name` satisfies `accept`, or fails after 10 s. */
async function nextEvent(
  reader: ReadableStreamDefaultReader<string>,
  buffer: { text: string },
  name: string,
  accept: (data: unknown) => boolean,
): Promise<unknown> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    let end;
    while ((end = buffer.text.indexOf("\n\n")) !== -1) {
      const block = buffer.text.slice(0, end);
      buffer.text = buffer.text.slice(end + 2);
      const event = block.match(/^event: (.*)$/m)?.[1];
      const data = block.match(/^data: (.*)$/m)?.[1];
      if (event === name && data !== undefined) {
        const parsed = JSON.parse(data);
        if (accept(parsed)) return parsed;
      }
    }
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no ${name} event in time`)), deadline - Date.now())
    );
    let timer: number | undefined;
    const { value, done } = await Promise.race([reader.read(), timeout]).finally(() =>
      clearTimeout(timer)
    );
    if (done) throw new Error("stream ended");
    buffer.text += value;
  }
  throw new Error(`no ${name} event in time`);
}

for (const database of databaseChoices) {
  Deno.test(`dashboard pages on ${database}`, async (t) => {
    const server = await startTestServer(database, { env: operatorEnv });
    const api = client(server);
    const browser = new Browser(server.url);
    try {
      await t.step("signed out, pages send you to sign in and the APIs stay closed", async () => {
        for (const path of ["/", "/settings", "/apps/app_x", "/apps/app_x/export.csv"]) {
          const res = await browser.fetch(path);
          await res.body?.cancel();
          equal(res.status, 303, path);
          const location = res.headers.get("location")!;
          ok(location.startsWith("/login"), `${path} → ${location}`);
        }
        const res = await browser.fetch("/apps/app_x/live");
        equal(res.status, 303);
        await res.body?.cancel();
      });

      await t.step("the sign-in page is readable and carries a CSRF token", async () => {
        const { status, html, res } = await browser.page("/login?next=/settings");
        equal(status, 200);
        ok(html.includes('name="next" value="/settings"'));
        csrfOf(html);
        const csp = res.headers.get("content-security-policy")!;
        ok(csp.includes("script-src 'self'") && !csp.includes("unsafe-inline"), csp);
        equal(res.headers.get("x-frame-options"), "DENY");
      });

      await t.step("a wrong password is refused and does not sign in", async () => {
        const res = await browser.submit("/login", {
          email: OPERATOR.email,
          password: "wrong",
          next: "/",
        });
        equal(res.status, 401);
        ok((await res.text()).includes("do not match"));
        equal(browser.cookies.has("hartslag_session"), false);
      });

      await t.step("a sign-in form without its CSRF token is refused", async () => {
        const fresh = new Browser(server.url);
        const res = await fresh.fetch("/login", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ email: OPERATOR.email, password: OPERATOR.password }),
        });
        equal(res.status, 403);
        await res.body?.cancel();
        equal(fresh.cookies.has("hartslag_session"), false);
      });

      await t.step("the right password signs in with a HttpOnly, SameSite cookie", async () => {
        const res = await browser.submit("/login", {
          email: OPERATOR.email.toUpperCase(),
          password: OPERATOR.password,
          next: "/settings",
        });
        equal(res.status, 303);
        equal(res.headers.get("location"), "/settings");
        const cookie = res.headers.getSetCookie().find((c) => c.startsWith("hartslag_session="))!;
        ok(/HttpOnly/.test(cookie) && /SameSite=Lax/.test(cookie) && /Path=\//.test(cookie));
        ok(!/Secure/.test(cookie), "no Secure flag over plain http");
        await res.body?.cancel();
        const overview = await browser.page("/");
        equal(overview.status, 200);
        ok(overview.html.includes(OPERATOR.email));
      });

      await t.step("an open redirect through next= is not possible", async () => {
        const res = await browser.fetch("/login?next=//evil.example/");
        equal(res.status, 303);
        equal(res.headers.get("location"), "/");
        await res.body?.cancel();
      });

      await t.step("the management API never accepts the session cookie", async () => {
        for (const path of ["/api/v1/apps", "/api/v1/apps/app_x/export.csv"]) {
          const res = await browser.fetch(path);
          equal(res.status, 401, path);
          await res.body?.cancel();
        }
      });

      let appId = "";
      let token = "";
      await t.step("creating an app shows its token once; the token works", async () => {
        const res = await browser.submit("/settings", {
          name: "Shop <b>",
          timezone: "Asia/Kathmandu",
        });
        equal(res.status, 201);
        const html = await res.text();
        token = tokenOf(html);
        appId = html.match(/href="\/apps\/(app_[0-9a-z]+)"/)![1];
        ok(html.includes("Shop &lt;b>"), "the name is escaped");
        equal(res.headers.get("cache-control"), "no-store");
        equal((await api.heartbeat(token, { event: "user-login", user_id: 7 })).status, 201);
        const settings = await browser.page("/settings");
        ok(!settings.html.includes(token), "the token is not shown again");
      });

      await t.step("a bad app form is answered with what to fix", async () => {
        const res = await browser.submit("/settings", { name: "", timezone: "Mars/Olympus" });
        equal(res.status, 422);
        const html = await res.text();
        ok(html.includes('id="name-error"') && html.includes('id="timezone-error"'));
      });

      await t.step("a form without the session's CSRF token is refused", async () => {
        for (const csrf of ["", "csrf_wrong"]) {
          const res = await browser.submit("/settings", { name: "Nope", _csrf: csrf });
          equal(res.status, 403);
          await res.body?.cancel();
        }
        const res = await browser.submit("/settings", { name: "Nope" }, "/settings", {
          origin: "https://evil.example",
        });
        equal(res.status, 403);
        await res.body?.cancel();
        const names = (await api.adminJson("/api/v1/apps")).apps.map((a: { name: string }) =>
          a.name
        );
        ok(!names.includes("Nope"));
      });

      await t.step("the app page escapes event names and shows counts", async () => {
        const evil = `<script>alert("x")</script>`;
        equal((await api.heartbeat(token, { event: evil, weight: 5 })).status, 201);
        const { status, html } = await browser.page(`/apps/${appId}?event=user-login`);
        equal(status, 200);
        ok(!html.includes(evil), "the raw name never appears");
        ok(html.includes("&lt;script>alert(&quot;x&quot;)&lt;/script>"));
        ok(html.includes('data-island="LiveCounters"'));
        ok(html.includes('data-island="EventChart"'));
        const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
        equal(scripts.length, 1);
        ok(
          /^<script type="module" src="\/_build\/[0-9a-f]{16}\/_hydrate\.js">$/.test(scripts[0]),
        );
        ok(!/<script(?![^>]*\bsrc=)/.test(html), "no inline scripts");
        ok(!/\sstyle="/.test(html), "no inline styles");
      });

      await t.step(
        "the island bundles and the stylesheet are served for a long cache",
        async () => {
          const { html } = await browser.page(`/apps/${appId}`);
          const hydrate = html.match(/src="(\/_build\/[^"]+)"/)![1];
          let res = await fetch(`${server.url}${hydrate}`);
          equal(res.status, 200);
          equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
          ok((await res.text()).includes("hartslag-island"));
          const css = html.match(/href="(\/static\/hartslag\.css\?v=[0-9a-f]+)"/)![1];
          res = await fetch(`${server.url}${css}`);
          equal(res.status, 200);
          equal(res.headers.get("content-type"), "text/css; charset=utf-8");
          equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
          await res.body?.cancel();
        },
      );

      await t.step("live counts arrive as server-sent events when events come in", async () => {
        const controller = new AbortController();
        const res = await browser.fetch(`/apps/${appId}/live`, { signal: controller.signal });
        equal(res.status, 200);
        equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        const buffer = { text: "" };
        type Counts = { events: { event: string; total: { count: string } }[] };
        const count = (data: unknown, name: string) =>
          (data as Counts).events.find((e) => e.event === name)?.total.count;
        await nextEvent(reader, buffer, "counts", (d) => count(d, "user-login") === "1");
        equal((await api.heartbeat(token, { event: "user-login" })).status, 201);
        await nextEvent(reader, buffer, "counts", (d) => count(d, "user-login") === "2");
        controller.abort();
        await reader.cancel().catch(() => {});
      });

      await t.step("the page CSV export streams the same rows as the API's", async () => {
        const query = "?event=user-login";
        const page = await browser.fetch(`/apps/${appId}/export.csv${query}`);
        equal(page.status, 200);
        equal(page.headers.get("content-type"), "text/csv; charset=utf-8");
        const fromPage = await page.text();
        const fromApi = await (await api.admin(`/api/v1/apps/${appId}/export.csv${query}`)).text();
        equal(fromPage, fromApi);
        const lines = fromPage.trimEnd().split("\n");
        equal(lines[0], "event,weight,user_id,created_at");
        equal(lines.length, 3);
        ok(lines[1].startsWith("user-login,1,7,"));
      });

      await t.step("top users counts events per user in the range", async () => {
        for (const user of [1, 1, 2]) await api.heartbeat(token, { event: "buy", user_id: user });
        const { status, html } = await browser.page(`/apps/${appId}/users?event=buy&range=24h`);
        equal(status, 200);
        const rows = [...html.matchAll(/<code>(\d+)<\/code><\/th><td class="num">(\d+)</g)]
          .map((m) => [m[1], m[2]]);
        equal(rows, [["1", "2"], ["2", "1"]]);
      });

      await t.step("rotating a token needs a confirmation and stops the old token", async () => {
        const path = `/settings/apps/${appId}/token`;
        let res = await browser.submit(path, { confirm: "not the name" });
        equal(res.status, 422);
        await res.body?.cancel();
        equal((await api.heartbeat(token, { event: "still-works" })).status, 201);
        res = await browser.submit(path, { confirm: "Shop <b>" });
        equal(res.status, 200);
        const fresh = tokenOf(await res.text());
        equal((await api.heartbeat(token, { event: "x" })).status, 401);
        equal((await api.heartbeat(fresh, { event: "x" })).status, 201);
      });

      await t.step("the docs use this instance's base URL and download as Markdown", async () => {
        const { status, html } = await browser.page("/docs");
        equal(status, 200);
        ok(html.includes(`${server.url}/api/v1/heartbeat`));
        ok(html.includes(`${server.url}/api/v1/beet/`));
        ok(html.includes(`${server.url}/api/v1/hb/`));
        ok(!html.includes("hartslag.no"));
        const res = await browser.fetch("/docs/integration-guide.md");
        equal(res.status, 200);
        equal(res.headers.get("content-type"), "text/markdown; charset=utf-8");
        ok(res.headers.get("content-disposition")!.includes("attachment"));
        const markdown = await res.text();
        ok(markdown.startsWith("# Hartslag Integration Guide"));
        ok(markdown.includes(`BASE_URL="${server.url}"`));
        const proxied = await fetch(`${server.url}/docs/integration-guide.md`, {
          headers: { "x-forwarded-proto": "https", "x-forwarded-host": "beat.example.org" },
        });
        ok((await proxied.text()).includes('BASE_URL="https://beat.example.org"'));
      });

      await t.step("unknown pages and apps get a friendly HTML page", async () => {
        let res = await browser.fetch("/apps/app_missing", { headers: { accept: "text/html" } });
        equal(res.status, 404);
        ok((await res.text()).includes("Page not found"));
        res = await browser.fetch("/no/such/page", { headers: { accept: "text/html" } });
        equal(res.status, 404);
        equal(res.headers.get("content-type"), "text/html; charset=utf-8");
        await res.body?.cancel();
      });

      await t.step("signing out ends the session", async () => {
        const res = await browser.submit("/logout", {}, "/");
        equal(res.status, 303);
        await res.body?.cancel();
        const after = await browser.fetch("/");
        equal(after.status, 303);
        await after.body?.cancel();
      });

      await t.step("sign-in attempts are rate-limited per email", async () => {
        const other = new Browser(server.url);
        const statuses = [];
        for (let i = 0; i < 6; i++) {
          const res = await other.submit("/login", { email: "who@example.com", password: "x" });
          statuses.push(res.status);
          if (res.status === 429) ok(Number(res.headers.get("retry-after")) > 0);
          await res.body?.cancel();
        }
        equal(statuses, [401, 401, 401, 401, 401, 429]);
      });
    } finally {
      await server.close();
    }
  });
}

Deno.test("the first operator is created at start and reset when the password changes", {
  ignore: againstBundle,
}, async () => {
  const pg = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-test-" });
  const start = (password: string) =>
    startServer(
      readConfig({
        PORT: "0",
        HARTSLAG_HOSTNAME: "127.0.0.1",
        HARTSLAG_DATA_DIR: dataDir,
        DATABASE_URL: pg.url,
        HARTSLAG_ADMIN_EMAIL: OPERATOR.email,
        HARTSLAG_ADMIN_PASSWORD: password,
      }),
      { log: silentLogger, kvPath: ":memory:" },
    );
  try {
    let server = await start("first password");
    const browser = new Browser(server.url);
    equal((await browser.signIn(OPERATOR.email, "first password")).status, 303);
    equal((await browser.page("/")).status, 200);
    const before = await findOperatorByEmail(server.services.db, OPERATOR.email);
    equal(await ensureOperator(server.services.db, OPERATOR.email, "first password"), "unchanged");
    await server.shutdown();

    server = await start("second password");
    const after = await findOperatorByEmail(server.services.db, OPERATOR.email);
    equal(after?.id, before?.id);
    ok(after?.passwordHash !== before?.passwordHash);
    browser.baseUrl = server.url;
    const res = await browser.fetch("/");
    equal(res.status, 303, "the reset ended the old session");
    await res.body?.cancel();
    equal((await new Browser(server.url).signIn(OPERATOR.email, "first password")).status, 401);
    equal((await new Browser(server.url).signIn(OPERATOR.email, "second password")).status, 303);
    await server.shutdown();
  } finally {
    await pg.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
