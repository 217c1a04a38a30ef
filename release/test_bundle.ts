/**
 * `deno task test:bundle`: builds the single-file bundle, copies it alone into an empty
 * temporary directory, and runs the process-based integration tests (those named
 * "spawned server: …") against it: each server starts from an empty directory of its own,
 * with no config file, no npm and no remote modules (tests/support/process.ts).
 */
import { bundle } from "./build.ts";

const root = new URL("../", import.meta.url);
const built = await bundle();
const dir = await Deno.makeTempDir({ prefix: "hartslag-bundle-" });
const copy = `${dir}/hartslag.js`;
await Deno.copyFile(built, copy);
try {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--filter", "/^spawned server: /", "tests/", ...Deno.args],
    cwd: root,
    env: { HARTSLAG_BUNDLE: copy },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) Deno.exit(code);
} finally {
  await Deno.remove(dir, { recursive: true });
}
