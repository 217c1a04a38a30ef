/**
 * `deno task bench`: every benchmark scenario in turn, each in its own process and each
 * printing its figures against a baseline measured in the same run.
 *
 *   deno task bench                  ingest, beacons, sweep, request_path
 *   deno task bench ingest sweep     only those
 *   deno task bench dashboard_pages  the page-render benchmark (a million events, Chromium)
 *
 * BENCH_SECONDS and BENCH_ROUNDS shorten or lengthen the load runs.
 */
const defaults = ["ingest", "beacons", "sweep", "request_path"];
const known = [...defaults, "dashboard_pages"];

const chosen = Deno.args.length > 0 ? Deno.args : defaults;
const unknown = chosen.filter((name) => !known.includes(name));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(", ")}; known: ${known.join(", ")}`);
  Deno.exit(2);
}

let failed = 0;
for (const name of chosen) {
  console.log(`\n== ${name}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(`./${name}.ts`, import.meta.url).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(`${name} exited with ${code}`);
    failed++;
  }
}
Deno.exit(failed > 0 ? 1 : 0);
