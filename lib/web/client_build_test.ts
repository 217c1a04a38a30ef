import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { buildClient, HYDRATE_FILE } from "./client_build.ts";

Deno.test("islands bundle into the hydrate runtime, one file per island and shared chunks", async () => {
  const assets = await buildClient({ islands: ["./islands/CopyButton.tsx"], write: false });
  ok(/^[0-9a-f]{16}$/.test(assets.buildId));
  const names = [...assets.files.keys()];
  ok(names.includes(HYDRATE_FILE) && names.includes("CopyButton.js"), names.join());
  ok(names.some((n) => /^chunk-[A-Z0-9]+\.js$/.test(n)), "preact lives in a shared chunk");
  equal(assets.url("CopyButton.js"), `/_build/${assets.buildId}/CopyButton.js`);
  const runtime = new TextDecoder().decode(assets.files.get(HYDRATE_FILE));
  ok(runtime.includes("hartslag-island"));
  ok(!runtime.includes("Deno."), "browser code only");
  // The same input builds to the same id, so URLs stay cacheable across restarts.
  const again = await buildClient({ islands: ["./islands/CopyButton.tsx"], write: false });
  equal(again.buildId, assets.buildId);
});
