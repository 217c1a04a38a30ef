import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { OPERATOR, operatorEnv } from "../support/dashboard.ts";
import { client, startTestServer } from "../support/server.ts";
import { launchChromium, screenshotPath, watchProblems } from "./chromium.ts";

Deno.test({
  name: "dashboard in Chromium: sign in, create an app, live counts, CSV, escaping",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const server = await startTestServer("postgres", { env: operatorEnv });
    const api = client(server);
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const page = await context.newPage();
      const problems = watchProblems(page);

      await t.step("sign in with the operator from the environment", async () => {
        await page.goto(`${server.url}/`);
        equal(new URL(page.url()).pathname, "/login");
        await page.getByLabel("Email").fill(OPERATOR.email);
        await page.getByLabel("Password").fill("not the password");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("alert").waitFor();
        ok((await page.getByRole("alert").textContent())!.includes("do not match"));
        await page.screenshot({ path: await screenshotPath("01-sign-in") });
        // The refused sign-in answered 401, which the console reports; that one was expected.
        equal(problems.splice(0).every((p) => p.includes("401")), true);
        await page.getByLabel("Password").fill(OPERATOR.password);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${server.url}/`);
        await page.getByRole("heading", { name: "Overview" }).waitFor();
      });

      let token = "";
      let appUrl = "";
      await t.step("create an app and copy its token, shown once", async () => {
        await page.getByRole("link", { name: "Settings" }).click();
        await page.getByLabel("Name").fill("Web shop");
        await page.getByLabel("Timezone").fill("Europe/Amsterdam");
        await page.getByRole("button", { name: "Create app" }).click();
        await page.getByRole("heading", { name: /App “Web shop” created/ }).waitFor();
        token = await page.locator("#token-value").inputValue();
        ok(/^hs_[0-9a-z]+$/.test(token), token);
        // The copy button appears once its island has hydrated.
        await page.getByRole("button", { name: "Copy token" }).waitFor({ state: "visible" });
        await page.screenshot({ path: await screenshotPath("03-settings-token"), fullPage: true });
        await page.getByRole("link", { name: "Go to Web shop" }).click();
        await page.getByRole("heading", { name: "Web shop" }).waitFor();
        appUrl = page.url();
      });

      await t.step("an event sent over the API shows up live, without a reload", async () => {
        await page.getByText("Live: counts update as events arrive").waitFor();
        await page.evaluate(() => ((globalThis as Record<string, unknown>).samePage = true));
        equal((await api.heartbeat(token, { event: "user-login", user_id: 42 })).status, 201);
        const today = page.locator('tr[data-event="user-login"] td[data-period="today"] .count');
        await today.getByText("1", { exact: true }).waitFor({ timeout: 10_000 });
        equal((await api.heartbeat(token, { event: "user-login", weight: 3 })).status, 201);
        await today.getByText("2", { exact: true }).waitFor({ timeout: 10_000 });
        const weight = page.locator('tr[data-event="user-login"] td[data-period="total"] .weight');
        ok((await weight.textContent())!.includes("4"));
        equal(await page.evaluate(() => (globalThis as Record<string, unknown>).samePage), true);
      });

      await t.step("a <script> event name is shown as text and never runs", async () => {
        const names = [
          `<script>window.pwned = 1</script>`,
          `<img src=x onerror="window.pwned = 2">`,
        ];
        for (const event of names) {
          equal((await api.heartbeat(token, { event, user_id: 7 })).status, 201);
        }
        await page.goto(appUrl);
        for (const name of names) {
          const cell = page.locator("tr[data-event] .event-name", { hasText: name });
          equal(await cell.textContent(), name);
        }
        // Through the live island too: a new event name arrives over server-sent events.
        const live = `<script>window.pwned = 3</script><b>live</b>`;
        await page.getByText("Live: counts update as events arrive").waitFor();
        equal((await api.heartbeat(token, { event: live })).status, 201);
        await page.locator("tr[data-event] .event-name", { hasText: live }).waitFor();
        equal(await page.evaluate(() => (globalThis as Record<string, unknown>).pwned), undefined);
      });

      await t.step("the chart draws, and its pickers change range and bucket", async () => {
        await page.goto(`${appUrl}?event=user-login`);
        await page.locator(".chart-box canvas").first().waitFor();
        await page.screenshot({ path: await screenshotPath("04-app"), fullPage: true });
        await page.getByLabel("Range").selectOption("7d");
        await page.getByLabel("Bucket").selectOption("day");
        await page.getByRole("button", { name: "Show" }).click();
        await page.waitForURL(/range=7d/);
        ok(page.url().includes("bucket=day"));
        await page.locator(".chart-box canvas").first().waitFor();
        ok((await page.locator(".chart figcaption").textContent())!.includes("2 user-login"));
      });

      await t.step("the CSV download has the events of the chosen filters", async () => {
        const download = page.waitForEvent("download");
        await page.getByRole("link", { name: "Download these events (CSV)" }).click();
        const file = await (await download).path();
        const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
        equal(lines[0], "event,weight,user_id,created_at");
        equal(lines.length, 3);
        ok(lines[1].startsWith("user-login,1,42,"), lines[1]);
        ok(lines[2].startsWith("user-login,3,,"), lines[2]);
      });

      await t.step("screenshots of the overview, docs and a phone-sized app page", async () => {
        await page.goto(`${server.url}/`);
        await page.screenshot({ path: await screenshotPath("02-overview"), fullPage: true });
        await page.goto(`${server.url}/docs`);
        await page.screenshot({ path: await screenshotPath("05-docs") });
        const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
        await phone.addCookies(await context.cookies());
        const small = await phone.newPage();
        const smallProblems = watchProblems(small);
        await small.goto(`${appUrl}?event=user-login`);
        await small.locator(".chart-box canvas").first().waitFor();
        await small.screenshot({ path: await screenshotPath("06-app-phone"), fullPage: true });
        await phone.close();
        equal(smallProblems, []);
      });

      await t.step("the keyboard reaches the skip link first, then the navigation", async () => {
        await page.goto(`${server.url}/`);
        await page.keyboard.press("Tab");
        equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
        await page.keyboard.press("Tab");
        equal(
          await page.evaluate(() => document.activeElement?.textContent?.trim()),
          "HBHartslag",
        );
      });

      equal(problems, [], "no console errors or CSP violations");
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
