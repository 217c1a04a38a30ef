import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { OPERATOR, operatorEnv } from "../support/dashboard.ts";
import { monitorClient } from "../support/monitors.ts";
import { startTestServer } from "../support/server.ts";
import { launchChromium, screenshotPath, watchProblems } from "./chromium.ts";

Deno.test({
  name: "monitors in Chromium: create one, ping it, watch it turn late then down",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const server = await startTestServer("postgres", { env: operatorEnv });
    const api = monitorClient(server);
    const browser = await launchChromium();
    try {
      const app = await api.createApp("Nightly jobs", "Europe/Amsterdam");
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const page = await context.newPage();
      const problems = watchProblems(page);

      await t.step("sign in and open the app's monitors", async () => {
        await page.goto(`${server.url}/apps/${app.id}/monitors`);
        await page.getByLabel("Email").fill(OPERATOR.email);
        await page.getByLabel("Password").fill(OPERATOR.password);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("heading", { name: "Monitors of Nightly jobs" }).waitFor();
      });

      let monitorUrl = "";
      await t.step("create a monitor with a 1-second interval and 1-second grace", async () => {
        await page.getByLabel("Name").fill("<i>every second</i>");
        await page.getByRole("radio", { name: "Every fixed interval" }).check();
        await page.getByRole("spinbutton", { name: /^Interval/ }).fill("1");
        await page.getByRole("spinbutton", { name: /^Grace/ }).fill("1");
        await page.getByRole("button", { name: "Create monitor" }).click();
        await page.getByText("Monitor created.").waitFor();
        monitorUrl = page.url().split("?")[0];
        equal(
          await page.getByRole("heading", { level: 1 }).textContent(),
          "<i>every second</i> New",
        );
      });

      await t.step("ping it and watch the board's badge turn Late, then Down", async () => {
        const monitorId = monitorUrl.split("/").at(-1)!;
        await page.goto(`${server.url}/apps/${app.id}/monitors`);
        await page.getByText("Live: statuses refresh every few seconds").waitFor();
        await page.evaluate(() => ((globalThis as Record<string, unknown>).samePage = true));
        const badge = page.locator(`tr[data-monitor="${monitorId}"] .badge`);
        equal(await badge.textContent(), "New");
        equal(
          (await api.ping(monitorId, "", { method: "POST", body: "<b>log</b> line" })).status,
          200,
        );
        await badge.getByText("Up", { exact: true }).or(badge.getByText("Late", { exact: true }))
          .waitFor({ timeout: 10_000 });
        await badge.getByText("Late", { exact: true }).waitFor({ timeout: 10_000 });
        await page.screenshot({ path: await screenshotPath("07-monitors-late"), fullPage: true });
        await badge.getByText("Down", { exact: true }).waitFor({ timeout: 10_000 });
        equal(await badge.getAttribute("data-status"), "down");
        equal(await page.evaluate(() => (globalThis as Record<string, unknown>).samePage), true);
        await page.screenshot({ path: await screenshotPath("08-monitors-down"), fullPage: true });
      });

      await t.step("the overview puts the open incident first", async () => {
        await api.createMonitor(app.id, { name: "hourly", interval_s: 3600, grace_s: 600 });
        await page.goto(`${server.url}/`);
        await page.getByText("1 open incident: listed first.").waitFor();
        const first = page.locator("table.monitors tbody tr").first();
        equal(await first.locator(".badge").textContent(), "Down");
        await page.screenshot({
          path: await screenshotPath("09-overview-monitors"),
          fullPage: true,
        });
        const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
        await phone.addCookies(await context.cookies());
        const small = await phone.newPage();
        const smallProblems = watchProblems(small);
        await small.goto(`${server.url}/apps/${app.id}/monitors`);
        await small.getByText("Live: statuses refresh every few seconds").waitFor();
        await small.screenshot({ path: await screenshotPath("12-monitors-phone"), fullPage: true });
        await phone.close();
        equal(smallProblems, []);
      });

      await t.step("the monitor page shows the ping body as text, and pauses", async () => {
        await page.goto(monitorUrl);
        await page.locator("details.ping-body summary").first().click();
        equal(await page.locator("details.ping-body pre").first().textContent(), "<b>log</b> line");
        await page.screenshot({ path: await screenshotPath("10-monitor"), fullPage: true });
        await page.getByRole("button", { name: "Pause" }).click();
        await page.getByText("Monitor paused").waitFor();
        equal(await page.locator("h1 .badge").textContent(), "Paused");
        await page.getByRole("button", { name: "Resume" }).waitFor();
      });

      await t.step("timed runs draw a chart of their durations", async () => {
        const { id } = await api.createMonitor(app.id, {
          name: "backup",
          interval_s: 3600,
          grace_s: 600,
        });
        for (const wait of [30, 60, 20]) {
          equal((await api.ping(id, "start")).status, 200);
          await new Promise((resolve) => setTimeout(resolve, wait));
          equal((await api.ping(id)).status, 200);
        }
        await page.goto(`${server.url}/apps/${app.id}/monitors/${id}`);
        await page.locator(".chart-box canvas").first().waitFor();
        ok((await page.locator(".chart figcaption").textContent())!.includes("last 3 finished"));
        await page.screenshot({ path: await screenshotPath("13-monitor-runs"), fullPage: true });
      });

      await t.step("settings: a beacon's URL is revealed once with a copy button", async () => {
        await page.goto(`${server.url}/settings/apps/${app.id}`);
        await page.getByLabel("Beacon name").fill("signup");
        await page.getByRole("button", { name: "Create beacon" }).click();
        await page.getByRole("heading", { name: /Beacon “signup” created/ }).waitFor();
        ok((await page.locator("#beacon-url").inputValue()).includes("/api/v1/beet/beet_"));
        await page.getByRole("button", { name: "Copy URL" }).waitFor({ state: "visible" });
        await page.screenshot({ path: await screenshotPath("11-app-settings"), fullPage: true });
      });

      equal(problems, [], "no console errors or CSP violations");
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
