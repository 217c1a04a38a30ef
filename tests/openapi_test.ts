import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { routePattern } from "../lib/web/fs_routes.ts";
import { renderManifest } from "../lib/web/build.ts";
import { manifest } from "../routes.gen.ts";
import { client, startTestServer } from "./support/server.ts";

Deno.test("routes.gen.ts lists every file under routes/ (run `deno task build`)", async () => {
  equal(
    await Deno.readTextFile(new URL("../routes.gen.ts", import.meta.url)),
    await renderManifest(),
  );
});

Deno.test("GET /api/openapi.json describes every API route and method", async () => {
  const server = await startTestServer("postgres");
  try {
    const res = await client(server).admin("/api/openapi.json");
    equal(res.status, 200);
    const doc = await res.json();
    equal(doc.openapi, "3.1.0");
    equal(doc.servers, [{ url: server.url }]);
    for (const [file, module] of Object.entries(manifest.routes)) {
      if (!module.handler || module.default) continue;
      const path = routePattern(file).replace(/:(\w+)/g, "{$1}");
      for (const method of Object.keys(module.handler)) {
        if (method === "HEAD" || method === "OPTIONS") continue;
        ok(doc.paths[path]?.[method.toLowerCase()], `${method} ${path} is not in the document`);
      }
    }
  } finally {
    await server.close();
  }
});
