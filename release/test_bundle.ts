/**
 * `deno task test:bundle`: builds the single-file bundle, copies it alone into an empty
 * temporary directory, and runs the integration suite (tests/) against it. Every server a
 * test starts — through startTestServer or spawnServer — is then the bundle in a process of
 * its own, started from an empty directory with no config file, no npm and no remote
 * modules (tests/support/process.ts, tests/support/server.ts). The few tests that reach
 * into the server's process (its services, a pinned clock) are marked to skip.
 */
import { bundle } from "./build.ts";

const root = new URL("../", import.meta.url);
const built = await bundle();
const dir = await Deno.makeTempDir({ prefix: "hartslag-bundle-" });
const copy = `${dir}/hartslag.js`;
await Deno.copyFile(built, copy);
try {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "tests/", ...Deno.args],
    cwd: root,
    env: { HARTSLAG_BUNDLE: copy },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) Deno.exit(code);
} finally {
  await Deno.remove(dir, { recursive: true });
}
