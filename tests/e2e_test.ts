/**
 * The main flows against a server in its own process — main.ts from source, or the
 * single-file bundle when HARTSLAG_BUNDLE is set (`deno task test:bundle`), which then runs
 * from an empty directory.
 */
import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { Browser, operatorEnv } from "./support/dashboard.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { bundlePath, runHartslag, spawnServer } from "./support/process.ts";
import { type CreatedApp, databaseChoices } from "./support/server.ts";

const ADMIN = "e2e-admin";
const METRICS = "e2e-metrics";

for (const database of databaseChoices) {
  Deno.test(`spawned server: the main flows over HTTP (${database})`, async (t) => {
    const pg = database === "postgres" ? await createTestDatabase() : undefined;
    const dataDir = await Deno.makeTempDir({ prefix: "hartslag-e2e-" });
    const env: Record<string, string> = {
      HARTSLAG_DATA_DIR: dataDir,
      HARTSLAG_ADMIN_TOKEN: ADMIN,
      HARTSLAG_METRICS_TOKEN: METRICS,
      HARTSLAG_ACCESS_LOG: "all",
      // Far longer than the test: a rotation reaches the server only by the database's notice.
      HARTSLAG_TOKEN_CACHE_MS: "600000",
      ...operatorEnv,
      ...(pg ? { DATABASE_URL: pg.url } : {}),
    };
    try {
      // The operator command runs before the server: the embedded database has one owner.
      const created = await runHartslag(
        ["create-app", "--name", "Shop", "--timezone", "Asia/Kathmandu"],
        env,
      );
      equal(created.code, 0, created.stderr);
      const cliApp = JSON.parse(created.stdout) as CreatedApp;
      equal([cliApp.name, cliApp.timezone], ["Shop", "Asia/Kathmandu"]);
      ok(cliApp.token.startsWith("hs_"));
      const refused = await runHartslag(["create-app", "--timezone", "Mars/Base"], env);
      equal(refused.code, 2);
      ok(refused.stderr.includes("--timezone"), refused.stderr);

      const server = await spawnServer(env);
      const url = server.url;
      const admin = (path: string, init: RequestInit = {}) =>
        fetch(`${url}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${ADMIN}`, ...init.headers },
        });
      try {
        await t.step("it runs the build under test", () => {
          const build = bundlePath ? "single-file" : "source";
          ok(server.output().includes(`"build":"${build}"`), server.output());
        });

        await t.step("healthz", async () => {
          const res = await fetch(`${url}/healthz`);
          equal([res.status, await res.json()], [200, { status: "ok" }]);
        });

        let app = cliApp;
        await t.step("create an app over the API; the CLI's app is there too", async () => {
          const res = await admin("/api/v1/apps", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: "Blog" }),
          });
          equal(res.status, 201);
          const blog = await res.json();
          equal(blog.timezone, "UTC");
          const list = await (await admin("/api/v1/apps")).json();
          equal(list.apps.map((a: { name: string }) => a.name), ["Blog", "Shop"]);
          app = cliApp;
        });

        const day = "2026-03-02";
        await t.step("heartbeats: 201 after commit, 422 and 401 as the guide says", async () => {
          for (let i = 0; i < 5; i++) {
            const res = await fetch(`${url}/api/v1/heartbeat`, {
              method: "POST",
              headers: {
                authorization: `Bearer ${app.token}`,
                "content-type": "application/json",
                "x-request-id": `e2e-${i}`,
              },
              body: JSON.stringify({
                event: "checkout",
                weight: 2,
                user_id: 100 + i,
                created_at: `${day}T10:0${i}:00Z`,
              }),
            });
            equal([res.status, await res.json()], [201, []]);
            equal(res.headers.get("x-request-id"), `e2e-${i}`);
          }
          const invalid = await fetch(`${url}/api/v1/heartbeat`, {
            method: "POST",
            headers: { authorization: `Bearer ${app.token}`, "content-type": "application/json" },
            body: JSON.stringify({ weight: 1 }),
          });
          equal(invalid.status, 422);
          equal((await invalid.json()).errors.event, ["The event field is required."]);
          const wrong = await fetch(`${url}/api/v1/heartbeat`, {
            method: "POST",
            headers: { authorization: "Bearer hs_wrong", "content-type": "application/json" },
            body: JSON.stringify({ event: "x" }),
          });
          equal([wrong.status, await wrong.json()], [401, { error: "Unauthorized" }]);
        });

        await t.step("events, series and CSV read back what was stored", async () => {
          const summary = await (await admin(`/api/v1/apps/${app.id}/events`)).json();
          equal(summary.timezone, "Asia/Kathmandu");
          equal(summary.events.map((e: { event: string }) => e.event), ["checkout"]);
          equal(summary.events[0].total, { count: 5, weight: 10 });
          const series = await (await admin(
            `/api/v1/apps/${app.id}/events/checkout/series?bucket=hour&from=${day}T09:00:00Z&to=${day}T12:00:00Z`,
          )).json();
          equal(series.bucket, "hour");
          equal(
            series.points.reduce((sum: number, p: { count: number }) => sum + p.count, 0),
            5,
          );
          const csv = await admin(`/api/v1/apps/${app.id}/export.csv?event=checkout`);
          equal(csv.status, 200);
          ok(csv.headers.get("content-type")?.startsWith("text/csv"));
          const lines = (await csv.text()).trimEnd().split("\n");
          equal(lines[0], "event,weight,user_id,created_at");
          equal(lines.slice(1).map((l) => l.split(",")[2]), ["100", "101", "102", "103", "104"]);
        });

        await t.step("the OpenAPI document and the guide are served", async () => {
          const doc = await (await fetch(`${url}/api/openapi.json`)).json();
          equal(doc.openapi, "3.1.0");
          ok(doc.paths["/metrics"] && doc.paths["/api/v1/heartbeat"]);
          const guide = await fetch(`${url}/docs/integration-guide.md`);
          equal(guide.status, 200);
          ok((await guide.text()).includes(`${url}/api/v1/heartbeat`));
        });

        await t.step("dashboard: sign in, pages, stylesheet and island bundles", async () => {
          const browser = new Browser(url);
          equal((await browser.signIn()).status, 303);
          const overview = await browser.page("/");
          equal(overview.status, 200);
          ok(overview.html.includes("Shop"));
          const page = await browser.page(`/apps/${app.id}`);
          equal(page.status, 200);
          ok(page.html.includes("checkout"));
          const scripts = [...page.html.matchAll(/src="(\/_build\/[^"]+)"/g)].map((m) => m[1]);
          ok(scripts.length > 0, "the app page hydrates islands");
          for (const src of scripts) {
            const js = await fetch(`${url}${src}`);
            equal(js.status, 200, src);
            ok(js.headers.get("content-type")?.startsWith("text/javascript"));
            ok((await js.text()).length > 100);
          }
          const css = page.html.match(/href="(\/static\/hartslag\.css[^"]*)"/)?.[1];
          ok(css, "the page links its stylesheet");
          const sheet = await fetch(`${url}${css}`);
          equal(sheet.status, 200);
          ok((await sheet.text()).includes(":root"));
          const docs = await browser.page("/docs");
          equal(docs.status, 200);
          ok(docs.html.includes("Integration Guide"));
        });

        await t.step("metrics: token required, requests and batches counted", async () => {
          equal((await fetch(`${url}/metrics`)).status, 401);
          const res = await fetch(`${url}/metrics`, {
            headers: { authorization: `Bearer ${METRICS}` },
          });
          equal(res.status, 200);
          ok(res.headers.get("content-type")?.startsWith("text/plain; version=0.0.4"));
          const text = await res.text();
          ok(
            text.includes(
              'hartslag_http_requests_total{method="POST",route="/api/v1/heartbeat",status="201"} 5',
            ),
            text,
          );
          ok(text.includes('route="/api/v1/heartbeat",status="422"} 1'));
          ok(text.includes('route="/api/v1/heartbeat",status="401"} 1'));
          ok(/hartslag_ingest_items_total\{queue="events",outcome="stored"\} 5/.test(text));
          ok(/hartslag_ingest_commit_seconds_count\{queue="events"\} [1-5]\n/.test(text));
        });

        if (pg) {
          await t.step(
            "rotate-token from the command line stops the old token at once",
            async () => {
              const rotated = await runHartslag(["rotate-token", "--app", app.id], env);
              equal(rotated.code, 0, rotated.stderr);
              const { token } = JSON.parse(rotated.stdout);
              const send = async (bearer: string) => {
                const res = await fetch(`${url}/api/v1/heartbeat`, {
                  method: "POST",
                  headers: {
                    authorization: `Bearer ${bearer}`,
                    "content-type": "application/json",
                  },
                  body: JSON.stringify({ event: "after-rotation" }),
                });
                await res.body?.cancel();
                return res.status;
              };
              // The server cached the old token; only the database's notice can evict it now.
              let old = 201;
              for (let i = 0; i < 100 && old !== 401; i++) {
                old = await send(app.token);
                if (old !== 401) await new Promise((r) => setTimeout(r, 50));
              }
              equal(old, 401);
              equal(await send(token), 201);
              app = { ...app, token };
            },
          );
        }

        await t.step("access log lines carry the request id", () => {
          const lines = server.output().split("\n").filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l));
          const line = lines.find((l) => l.msg === "request" && l.requestId === "e2e-3");
          ok(line, "an access log line for request e2e-3");
          equal([line.method, line.route, line.status], ["POST", "/api/v1/heartbeat", 201]);
        });
      } finally {
        const status = await server.kill("SIGTERM");
        equal(status.code, 0, server.output());
        ok(server.output().includes('"msg":"stopped"'));
      }
    } finally {
      await pg?.drop();
      await Deno.remove(dataDir, { recursive: true });
    }
  });
}
