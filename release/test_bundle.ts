/**
 * `deno task test:bundle`: builds the single-file bundle, copies it alone into an empty
 * temporary directory, and runs the integration tests below against it. Every server they
 * start — through startTestServer or spawnServer — is then the bundle in a process of its
 * own, started from an empty directory with no config file, no npm and no remote modules
 * (tests/support/process.ts, tests/support/server.ts). The files are listed rather than
 * globbed: a test that reaches into the server's process (its services, a pinned clock)
 * cannot run against a bundle, so a file joins the list once its tests talk to the server
 * over HTTP only, or mark the others `ignore: againstBundle`.
 */
import { bundle } from "./build.ts";

const root = new URL("../", import.meta.url);

/** Test files whose every test either runs over HTTP or is marked ignore: againstBundle. */
export const BUNDLE_TESTS = [
  "tests/e2e_test.ts",
  "tests/shutdown_test.ts",
  "tests/cluster_test.ts",
  "tests/durability_test.ts",
  "tests/events_api_test.ts",
  "tests/management_test.ts",
  "tests/dashboard_test.ts",
  "tests/openapi_test.ts",
  "tests/operations_test.ts",
  "tests/monitors_test.ts",
  "tests/monitor_alerts_test.ts",
  "tests/checkins_test.ts",
  "tests/browser/dashboard_test.ts",
  "tests/dashboard_monitors_test.ts",
  "tests/browser/monitors_test.ts",
];
const built = await bundle();
const dir = await Deno.makeTempDir({ prefix: "hartslag-bundle-" });
const copy = `${dir}/hartslag.js`;
await Deno.copyFile(built, copy);
try {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", ...BUNDLE_TESTS, ...Deno.args],
    cwd: root,
    env: { HARTSLAG_BUNDLE: copy },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) Deno.exit(code);
} finally {
  await Deno.remove(dir, { recursive: true });
}
