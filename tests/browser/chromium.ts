import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium, installed by .ci/install-browser; playwright-core never downloads one. */
export const CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export async function launchChromium(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} is missing: run .ci/install-browser (apt-get install chromium)`);
  }
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Where the run leaves screenshots of the main pages for a reviewer (git-ignored). */
export const SCREENSHOTS = new URL("../screenshots/", import.meta.url);

export async function screenshotPath(name: string): Promise<string> {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  return new URL(`${name}.png`, SCREENSHOTS).pathname;
}

/** Collects every console error and page error the page reports; a test asserts it stays empty. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return problems;
}
