/**
 * Bundles the browser code of islands with `Deno.bundle` (esbuild inside Deno; the "bundle"
 * unstable flag is on in deno.json). One entry per island plus the hydrate runtime, split so
 * Preact and shared code live in content-hashed chunks:
 *
 *   static/_build/.src/<Name>.ts      generated entries (re-export islands/<Name>.tsx)
 *   static/_build/<buildId>/…          output: _hydrate.js, <Name>.js, chunk-*.js
 *   static/_build/current.json         which build is current, for a server that cannot build
 *
 * The build id is a hash of every output, so its URLs (`/_build/<buildId>/<file>`) can be
 * cached forever. The whole folder is generated and git-ignored; the server builds at start
 * (once per process) and `deno task build` builds ahead of time.
 */
import { islandName } from "./islands.ts";

export interface ClientAssets {
  readonly buildId: string;
  /** Output files by name (`_hydrate.js`, `LiveCounters.js`, `chunk-….js`). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** URL of a built file: `/_build/<buildId>/<name>`. */
  url(name: string): string;
}

export const HYDRATE_FILE = "_hydrate.js";

const defaultRoot = new URL("../../", import.meta.url);

function assetsOf(buildId: string, files: Map<string, Uint8Array>): ClientAssets {
  return { buildId, files, url: (name) => `/_build/${buildId}/${name}` };
}

async function digest(parts: Uint8Array[]): Promise<string> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(hash.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface BuildOptions {
  /** The project root (holds islands/, lib/, static/). */
  root?: URL;
  /** Island files relative to the root, as in the manifest: `./islands/Name.tsx`. */
  islands: string[];
  /** Write the output under static/_build/ (default true). */
  write?: boolean;
}

/** Bundles the islands; throws with esbuild's messages when the build fails. */
export async function buildClient(options: BuildOptions): Promise<ClientAssets> {
  const root = options.root ?? defaultRoot;
  const buildDir = new URL("static/_build/", root);
  const srcDir = new URL(".src/", buildDir);
  await Deno.mkdir(srcDir, { recursive: true });
  const entries: string[] = [];
  const writeEntry = async (name: string, text: string) => {
    const file = new URL(`${name}.ts`, srcDir);
    await Deno.writeTextFile(file, text);
    entries.push(file.pathname);
  };
  await writeEntry("_hydrate", 'import "../../../lib/web/client/hydrate.ts";\n');
  for (const file of [...options.islands].sort()) {
    const name = islandName(file);
    await writeEntry(name, `export { default } from "../../.${file}";\n`);
  }
  const result = await Deno.bundle({
    entrypoints: entries,
    outputDir: new URL("out/", buildDir).pathname,
    write: false,
    platform: "browser",
    format: "esm",
    minify: true,
    codeSplitting: true,
  });
  if (!result.success || !result.outputFiles) {
    const messages = result.errors.map((e) =>
      e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text
    );
    throw new Error(`island build failed:\n  ${messages.join("\n  ")}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const output of result.outputFiles) {
    if (!output.contents) continue;
    const name = output.path.split("/").at(-1)!;
    files.set(name, output.contents);
  }
  const names = [...files.keys()].sort();
  const encoder = new TextEncoder();
  const buildId = await digest(names.flatMap((n) => [encoder.encode(n), files.get(n)!]));
  if (options.write !== false) await writeBuild(buildDir, buildId, files);
  return assetsOf(buildId, files);
}

async function writeBuild(buildDir: URL, buildId: string, files: Map<string, Uint8Array>) {
  const dir = new URL(`${buildId}/`, buildDir);
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, contents] of files) await Deno.writeFile(new URL(name, dir), contents);
  const current = JSON.stringify({ buildId, files: [...files.keys()].sort() }, null, 2);
  const temp = new URL(`current.${crypto.randomUUID()}.tmp`, buildDir);
  await Deno.writeTextFile(temp, current);
  await Deno.rename(temp, new URL("current.json", buildDir));
  // Older builds are no longer referenced by this server.
  for await (const entry of Deno.readDir(buildDir)) {
    if (entry.isDirectory && /^[0-9a-f]{16}$/.test(entry.name) && entry.name !== buildId) {
      await Deno.remove(new URL(`${entry.name}/`, buildDir), { recursive: true })
        .catch(() => {});
    }
  }
}

/** The build static/_build/current.json names, for servers that cannot run the bundler. */
export async function readBuild(root: URL = defaultRoot): Promise<ClientAssets> {
  const buildDir = new URL("static/_build/", root);
  const current = JSON.parse(await Deno.readTextFile(new URL("current.json", buildDir))) as {
    buildId: string;
    files: string[];
  };
  const files = new Map<string, Uint8Array>();
  for (const name of current.files) {
    files.set(name, await Deno.readFile(new URL(`${current.buildId}/${name}`, buildDir)));
  }
  return assetsOf(current.buildId, files);
}

/** Island bundles a single-file build carries (see lib/embedded.ts). */
export function embeddedClientAssets(
  client: { buildId: string; files: Readonly<Record<string, Uint8Array>> },
): ClientAssets {
  return assetsOf(client.buildId, new Map(Object.entries(client.files)));
}

let shared: Promise<ClientAssets> | undefined;
let sharedKey = "";

/**
 * The client assets for this process: built once (several servers in one process share
 * them), or, when bundling is impossible here, the last build on disk.
 */
export function clientAssets(
  islands: string[],
  onFallback: (error: unknown) => void = () => {},
): Promise<ClientAssets> {
  const key = [...islands].sort().join("\n");
  if (!shared || key !== sharedKey) {
    sharedKey = key;
    shared = buildClient({ islands }).catch(async (error) => {
      onFallback(error);
      return await readBuild();
    });
  }
  return shared;
}
