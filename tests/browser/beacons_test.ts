import { deepStrictEqual as equal } from "node:assert/strict";
import { client, startTestServer } from "../support/server.ts";
import { launchChromium } from "./chromium.ts";

/**
 * A page on another origin fires the beacon the ways the Heartbeet guide shows — `<img>`,
 * `fetch(…, {method: "POST", keepalive: true})` with a JSON body (which needs a CORS
 * preflight), a credentialed fetch and `navigator.sendBeacon` — and reports what the browser
 * let it see.
 */
function page(url: string): string {
  return `<!doctype html><html><body><img id="img" width="1" height="1" alt=""
  style="display:none"><script>
const results = {};
const done = (name, value) => {
  results[name] = value;
  if (Object.keys(results).length === 4) window.beaconResults = results;
};
const img = document.getElementById("img");
img.onload = () => done("img", "loaded " + img.naturalWidth + "x" + img.naturalHeight);
img.onerror = () => done("img", "error");
img.src = ${JSON.stringify(`${url}?value=7`)};
fetch(${JSON.stringify(url)}, {
  method: "POST",
  keepalive: true,
  body: JSON.stringify({ value: 42 }),
  headers: { "content-type": "application/json" },
}).then((r) => done("fetch", r.status + " " + r.type + " " + r.headers.get("content-type")),
  (e) => done("fetch", "error " + e));
fetch(${JSON.stringify(url)}, {
  method: "POST",
  credentials: "include",
  body: JSON.stringify({ value: 5 }),
  headers: { "content-type": "application/json" },
}).then((r) => done("credentialed", r.status + " " + r.type),
  (e) => done("credentialed", "error " + e));
done("sendBeacon", navigator.sendBeacon(${JSON.stringify(url)}, JSON.stringify({ value: 3 })));
</script></body></html>`;
}

Deno.test({
  name: "beacons in Chromium from another origin: img, fetch keepalive, sendBeacon",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startTestServer("postgres");
    const api = client(server);
    let beaconUrl = "";
    // The page's origin: another host name and port than the server's 127.0.0.1.
    const site = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response(page(beaconUrl), { headers: { "content-type": "text/html" } }),
    );
    const browser = await launchChromium();
    try {
      const app = await api.createApp();
      const res = await api.admin(`/api/v1/apps/${app.id}/beacons`, {
        method: "POST",
        body: JSON.stringify({ name: "browser" }),
      });
      beaconUrl = (await res.json()).url;
      const tab = await browser.newPage();
      await tab.goto(`http://localhost:${(site.addr as Deno.NetAddr).port}/`);
      const results = await (await tab.waitForFunction(
        () => (globalThis as unknown as { beaconResults?: unknown }).beaconResults,
      )).jsonValue();
      equal(results, {
        img: "loaded 1x1",
        fetch: "200 cors image/gif",
        credentialed: "200 cors",
        sendBeacon: true,
      });
      // sendBeacon does not wait for its answer: poll for its row.
      let values: (number | null)[] = [];
      for (let i = 0; i < 50 && values.length < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        values = (await server.services.db.selectFrom("events").select("value")
          .where("app_id", "=", app.id).execute()).map((r) => r.value);
      }
      equal(values.sort((a, b) => a! - b!), [3, 5, 7, 42]);
    } finally {
      await browser.close();
      await site.shutdown();
      await server.close();
    }
  },
});
