/**
 * Static files: static/ (stylesheets, images) at /static/…, read once into memory, and the
 * island bundles at /_build/<buildId>/…. A URL that carries its content's version (`?v=` for
 * static files, the build id for bundles) is cached for a year; anything else for an hour.
 */
import type { Hono } from "hono";
import type { ClientAssets } from "./client_build.ts";

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  woff2: "font/woff2",
};

const FOREVER = "public, max-age=31536000, immutable";

export interface StaticFile {
  body: Uint8Array;
  type: string;
  version: string;
}

async function shortHash(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(hash.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Static files from memory (a single-file build carries them), by URL path below /static/. */
export async function staticFilesFrom(
  files: Readonly<Record<string, Uint8Array>>,
): Promise<Map<string, StaticFile>> {
  const map = new Map<string, StaticFile>();
  for (const [path, body] of Object.entries(files)) {
    const type = TYPES[path.split(".").at(-1) ?? ""];
    if (type) map.set(path, { body, type, version: await shortHash(body) });
  }
  return map;
}

/** Every file under `dir` (except the generated _build/), by URL path below /static/. */
export async function readStaticFiles(dir: URL): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  const walk = async (folder: URL, prefix: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".") || (prefix === "" && entry.name === "_build")) continue;
      if (entry.isDirectory) {
        await walk(new URL(`${entry.name}/`, folder), `${prefix}${entry.name}/`);
        continue;
      }
      const type = TYPES[entry.name.split(".").at(-1) ?? ""];
      if (!type) continue;
      const body = await Deno.readFile(new URL(entry.name, folder));
      files.set(`${prefix}${entry.name}`, { body, type, version: await shortHash(body) });
    }
  };
  await walk(dir, "");
  return files;
}

/** Serves static files and island bundles on `app`. */
export function mountAssets(
  app: Hono,
  staticFiles: () => Promise<Map<string, StaticFile>>,
  clientAssets: () => Promise<ClientAssets | undefined>,
): void {
  app.get("/static/*", async (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname.slice("/static/".length));
    const file = (await staticFiles()).get(path);
    if (!file) return c.notFound();
    const versioned = c.req.query("v") === file.version;
    return new Response(file.body as BufferSource, {
      headers: {
        "content-type": file.type,
        "cache-control": versioned ? FOREVER : "public, max-age=3600",
        "x-content-type-options": "nosniff",
      },
    });
  });
  app.get("/_build/:buildId/:file", async (c) => {
    const assets = await clientAssets();
    const { buildId, file } = c.req.param();
    const body = assets?.buildId === buildId ? assets.files.get(file) : undefined;
    if (!body) return c.notFound();
    return new Response(body as BufferSource, {
      headers: {
        "content-type": TYPES[file.split(".").at(-1) ?? ""] ?? "application/octet-stream",
        "cache-control": FOREVER,
        "x-content-type-options": "nosniff",
      },
    });
  });
}
