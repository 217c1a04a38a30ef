import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { readConfig } from "../lib/config.ts";
import { silentLogger } from "../lib/log.ts";
import { startServer } from "../main.ts";
import {
  client,
  type DatabaseChoice,
  databaseChoices,
  startTestServer,
  type TestServer,
} from "./support/server.ts";

/** The pixel every beacon answer carries. */
const PIXEL = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"),
  (c) => c.charCodeAt(0),
);

interface CreatedBeacon {
  id: string;
  app_id: string;
  name: string;
  token: string;
  url: string;
  limit: { count: number; window_s: number; default: boolean };
}

function beacons(server: TestServer) {
  const api = client(server);
  return {
    api,
    create(appId: string, body: unknown) {
      return api.admin(`/api/v1/apps/${appId}/beacons`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    },
    change(appId: string, beaconId: string, body: unknown) {
      return api.admin(`/api/v1/apps/${appId}/beacons/${beaconId}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    },
    /** The beacon's row as stored. */
    async row(beaconId: string) {
      return await server.services.db.selectFrom("beacons")
        .select(["name", "limit_count", "limit_window_s"])
        .where("id", "=", beaconId).executeTakeFirst();
    },
    async created(appId: string, body: unknown): Promise<CreatedBeacon> {
      const res = await this.create(appId, body);
      equal(res.status, 201, await res.clone().text());
      return await res.json();
    },
    /** The events stored for an app, oldest first. */
    async stored(appId: string) {
      const rows = await server.services.db.selectFrom("events")
        .select(["event", "weight", "user_id", "value"])
        .where("app_id", "=", appId).orderBy("id").execute();
      return rows.map((r) => ({ event: r.event, weight: String(r.weight), value: r.value }));
    },
  };
}

/** A beacon request: status, headers and the whole body. */
async function beet(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  return {
    status: res.status,
    headers: res.headers,
    body: new Uint8Array(await res.arrayBuffer()),
  };
}

/** Status, headers (but the per-request ones) and body of an answer, to compare two. */
async function answerOf(url: string, init: RequestInit) {
  const res = await fetch(url, init);
  const headers = [...res.headers].filter(([name]) => name !== "date" && name !== "x-request-id");
  return { status: res.status, headers, body: new Uint8Array(await res.arrayBuffer()) };
}

function assertPixel(answer: { status: number; headers: Headers; body: Uint8Array }, status = 200) {
  equal(answer.status, status);
  equal(answer.headers.get("content-type"), "image/gif");
  equal(answer.headers.get("cache-control"), "no-store");
  equal(answer.body, PIXEL);
}

Deno.test("the pixel is a 1×1 transparent GIF", () => {
  equal(new TextDecoder().decode(PIXEL.slice(0, 6)), "GIF89a");
  const view = new DataView(PIXEL.buffer);
  equal([view.getUint16(6, true), view.getUint16(8, true)], [1, 1]);
  const extension = PIXEL.indexOf(0xf9, 13);
  ok(extension > 0 && (PIXEL[extension + 2] & 1) === 1, "graphic control: transparent");
  equal(PIXEL.at(-1), 0x3b);
});

for (const database of databaseChoices) {
  Deno.test(`beacons (§3) on ${database}`, async (t) => {
    const server = await startTestServer(database);
    const b = beacons(server);
    const { api } = b;
    try {
      const app = await api.createApp("Site");

      await t.step(
        "create: 201 with id, name, token and url; listed without the token",
        async () => {
          const created = await b.created(app.id, { name: "  page-view " });
          ok(/^bcn_[0-9a-z]+$/.test(created.id), created.id);
          equal(created.name, "page-view");
          ok(/^beet_[0-9a-z]{39}$/.test(created.token), created.token);
          equal(created.url, `${server.url}/api/v1/beet/${created.token}`);
          equal(created.limit, { count: 60, window_s: 10, default: true });
          const own = await b.created(app.id, {
            name: "signup",
            limit: { count: 5, window_s: 60 },
          });
          equal(own.limit, { count: 5, window_s: 60, default: false });

          const list = await api.adminJson(`/api/v1/apps/${app.id}/beacons`);
          equal(list.beacons.map((x: CreatedBeacon) => x.name), ["page-view", "signup"]);
          ok(list.beacons.every((x: Record<string, unknown>) => !("token" in x) && !("url" in x)));
          const one = await api.adminJson(`/api/v1/apps/${app.id}/beacons/${own.id}`);
          equal(one.limit, own.limit);
          equal(one.app_id, app.id);
        },
      );

      await t.step(
        "create: bad input 422, duplicate name 409, unknown app 404, no admin 401",
        async () => {
          for (
            const body of [
              {},
              { name: "" },
              { name: "x".repeat(256) },
              { name: "x", limit: { count: 0, window_s: 10 } },
              { name: "x", limit: { count: 10 } },
            ]
          ) {
            const res = await b.create(app.id, body);
            equal(res.status, 422, JSON.stringify(body));
            equal((await res.json()).error, "validation_failed");
          }
          const dup = await b.create(app.id, { name: "page-view" });
          equal(dup.status, 409);
          equal((await dup.json()).error, "conflict");
          const missing = await b.create("app_nope", { name: "x" });
          equal(missing.status, 404);
          await missing.body?.cancel();
          const anonymous = await fetch(`${server.url}/api/v1/apps/${app.id}/beacons`, {
            method: "POST",
            body: JSON.stringify({ name: "x" }),
          });
          equal(anonymous.status, 401);
          await anonymous.body?.cancel();
          const other = await api.createApp();
          const res = await api.admin(
            `/api/v1/apps/${other.id}/beacons/${
              (await api.adminJson(`/api/v1/apps/${app.id}/beacons`)).beacons[0].id
            }`,
          );
          equal(res.status, 404, "a beacon is found only under its own app");
          await res.body?.cancel();
        },
      );

      await t.step("the seed's examples: img, fetch keepalive, curl, Python, Node", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, { name: "beet" });
        // <img src="…/beet/TOKEN">: a GET asking for an image.
        assertPixel(await beet(beacon.url, { headers: { accept: "image/avif,image/*,*/*" } }));
        // fetch(url, { method: 'POST', keepalive: true }): a POST without a body.
        assertPixel(await beet(beacon.url, { method: "POST", keepalive: true }));
        // Node.js: await fetch(url)
        assertPixel(await beet(beacon.url));
        let expected = 3;
        // curl -s "URL" > /dev/null
        if (
          await runs("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", beacon.url], "200")
        ) {
          expected++;
        }
        // Python: requests.get(URL)
        const python =
          `import requests, sys; sys.stdout.write(str(requests.get(sys.argv[1]).status_code))`;
        if (await runs("python3", ["-c", python, beacon.url], "200")) expected++;
        // Node.js itself, where it is installed.
        const node = `fetch(process.argv[1]).then((r) => process.stdout.write(String(r.status)))`;
        if (await runs("node", ["-e", node, beacon.url], "200")) expected++;
        const rows = await b.stored(site.id);
        equal(rows.length, expected);
        ok(rows.every((r) => r.event === "beet" && r.weight === "1" && r.value === null));
      });

      await t.step(
        "a POSTed value is stored with the event; junk bodies record no value",
        async () => {
          const site = await api.createApp();
          const beacon = await b.created(site.id, { name: "scored" });
          const post = (body: BodyInit, headers: Record<string, string> = {}) =>
            beet(beacon.url, { method: "POST", body, headers });
          assertPixel(await post('{"value": 42}', { "content-type": "application/json" }));
          assertPixel(
            await post('{"value": -0.5}', { "content-type": "text/plain;charset=UTF-8" }),
          );
          assertPixel(await post('{"value": "12.5"}'));
          assertPixel(await beet(`${beacon.url}?value=7`));
          for (
            const junk of [
              "not json",
              '{"value":',
              '{"value": "lots"}',
              '{"value": 1e999}',
              "[42]",
              new Uint8Array([0xff, 0xfe, 0x00]),
              "x".repeat(10_000),
            ]
          ) {
            assertPixel(await post(junk, { "content-type": "application/json" }));
          }
          const values = (await b.stored(site.id)).map((r) => r.value);
          equal(values, [42, -0.5, 12.5, 7, null, null, null, null, null, null, null]);
        },
      );

      await t.step(
        "unknown tokens, HEAD and odd paths: the same pixel, nothing stored",
        async () => {
          const site = await api.createApp();
          const beacon = await b.created(site.id, { name: "quiet" });
          for (
            const token of [
              "beet_abc123xyz",
              `beet_${"0".repeat(39)}`,
              "favicon.ico",
              "%00",
              "x".repeat(2_000),
            ]
          ) {
            assertPixel(await beet(`${server.url}/api/v1/beet/${token}`));
            const posted = await beet(`${server.url}/api/v1/beet/${token}`, {
              method: "POST",
              body: '{"value": 1}',
            });
            assertPixel(posted);
            equal(posted.headers.get("ratelimit-limit"), null, "unknown looks like known");
          }
          const head = await fetch(beacon.url, { method: "HEAD" });
          equal(head.status, 200);
          equal(head.headers.get("content-type"), "image/gif");
          equal(await b.stored(site.id), []);
        },
      );

      await t.step(
        "a beacon URL without a token answers exactly as an unknown token does",
        async () => {
          const site = await api.createApp();
          await b.created(site.id, { name: "tokenless" });
          const origin = { origin: "https://shop.example" };
          const requests: [string, RequestInit][] = [
            ["GET", {}],
            ["GET", { headers: origin }],
            ["HEAD", {}],
            ["POST", { body: '{"value": 1}' }],
            ["POST", {
              body: '{"value": 1}',
              headers: { ...origin, "content-type": "text/plain" },
            }],
            [
              "OPTIONS",
              {
                headers: {
                  ...origin,
                  "access-control-request-method": "POST",
                  "access-control-request-headers": "content-type",
                  "access-control-request-private-network": "true",
                },
              },
            ],
            ["OPTIONS", { headers: { "access-control-request-method": "GET" } }],
          ];
          const unknown = `${server.url}/api/v1/beet/beet_${"0".repeat(39)}`;
          for (const [method, init] of requests) {
            const expected = await answerOf(unknown, { ...init, method });
            equal(expected.status, method === "OPTIONS" ? 204 : 200);
            for (const path of ["/api/v1/beet", "/api/v1/beet/"]) {
              equal(
                await answerOf(`${server.url}${path}`, { ...init, method }),
                expected,
                `${method} ${path} ${JSON.stringify(init.headers ?? {})}`,
              );
            }
          }
          assertPixel(await beet(`${server.url}/api/v1/beet/`));
          assertPixel(await beet(`${server.url}/api/v1/beet?value=3`));
          equal(await b.stored(site.id), []);
        },
      );

      await t.step("hits show up in the aggregates and the CSV export", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, { name: "checkout" });
        for (let i = 0; i < 3; i++) assertPixel(await beet(beacon.url));
        equal((await api.heartbeat(site.token, { event: "checkout" })).status, 201);
        const summary = await api.adminJson(`/api/v1/apps/${site.id}/events`);
        equal(summary.events.map((e: { event: string }) => e.event), ["checkout"]);
        equal(summary.events[0].today, { count: 4, weight: 4 });
        const csv = await (await api.admin(`/api/v1/apps/${site.id}/export.csv?event=checkout`))
          .text();
        const lines = csv.trimEnd().split("\n");
        equal(lines.length, 5);
        ok(lines.slice(1).every((line) => line.startsWith("checkout,1,,")), csv);
      });

      await t.step("CORS: preflight and answers for any origin", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, { name: "cors" });
        const preflight = await fetch(beacon.url, {
          method: "OPTIONS",
          headers: {
            origin: "https://shop.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
          },
        });
        equal(preflight.status, 204);
        equal(preflight.headers.get("access-control-allow-origin"), "https://shop.example");
        equal(preflight.headers.get("access-control-allow-credentials"), "true");
        ok(preflight.headers.get("access-control-allow-methods")!.includes("POST"));
        equal(preflight.headers.get("access-control-allow-headers"), "content-type");
        ok(Number(preflight.headers.get("access-control-max-age")) > 0);
        await preflight.body?.cancel();

        const posted = await beet(beacon.url, {
          method: "POST",
          keepalive: true,
          headers: { origin: "https://shop.example", "content-type": "application/json" },
          body: '{"value": 1}',
        });
        assertPixel(posted);
        equal(posted.headers.get("access-control-allow-origin"), "https://shop.example");
        ok(posted.headers.get("vary")?.includes("Origin"));
        const plain = await beet(beacon.url);
        equal(plain.headers.get("access-control-allow-origin"), "*");
        equal(plain.headers.get("cross-origin-resource-policy"), "cross-origin");
      });

      await t.step("rotating the token stops the old one at once", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, { name: "rotated" });
        assertPixel(await beet(beacon.url));
        const res = await api.admin(`/api/v1/apps/${site.id}/beacons/${beacon.id}/token`, {
          method: "POST",
        });
        equal(res.status, 200);
        const rotated = await res.json();
        ok(rotated.token !== beacon.token && rotated.token.startsWith("beet_"));
        equal(rotated.url, `${server.url}/api/v1/beet/${rotated.token}`);
        assertPixel(await beet(beacon.url), 200);
        assertPixel(await beet(rotated.url));
        equal((await b.stored(site.id)).length, 2, "the old token's hit after rotation is dropped");
        const missing = await api.admin(`/api/v1/apps/${site.id}/beacons/bcn_nope/token`, {
          method: "POST",
        });
        equal(missing.status, 404);
        await missing.body?.cancel();
      });

      await t.step("deleting a beacon stops its token and keeps its events", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, { name: "gone" });
        assertPixel(await beet(beacon.url));
        const res = await api.admin(`/api/v1/apps/${site.id}/beacons/${beacon.id}`, {
          method: "DELETE",
        });
        equal(res.status, 204);
        assertPixel(await beet(beacon.url));
        equal((await b.stored(site.id)).length, 1);
        equal((await api.adminJson(`/api/v1/apps/${site.id}/beacons`)).beacons, []);
      });

      await t.step("exactly 60 of 200 parallel hits are admitted; the rest are 429", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, { name: "burst" });
        const answers = await Promise.all(
          Array.from(
            { length: 200 },
            (_, i) => beet(beacon.url, i % 2 ? { method: "POST", body: `{"value": ${i}}` } : {}),
          ),
        );
        const ok200 = answers.filter((a) => a.status === 200);
        const refused = answers.filter((a) => a.status === 429);
        equal([ok200.length, refused.length], [60, 140]);
        for (const answer of refused) {
          assertPixel(answer, 429);
          const retryAfter = Number(answer.headers.get("retry-after"));
          ok(retryAfter >= 1 && retryAfter <= 10, `Retry-After ${retryAfter}`);
          equal(answer.headers.get("ratelimit-limit"), "60");
          equal(answer.headers.get("ratelimit-remaining"), "0");
          equal(answer.headers.get("ratelimit-reset"), String(retryAfter));
          equal(answer.headers.get("ratelimit-policy"), "60;w=10");
        }
        equal((await b.stored(site.id)).length, 60, "refused hits are not stored");
        assertPixel(await beet(beacon.url), 429);
        equal((await b.stored(site.id)).length, 60);
      });

      await t.step("a beacon's own limit applies instead of the default", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, {
          name: "rare",
          limit: { count: 3, window_s: 3_600 },
        });
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await beet(beacon.url)).status);
        equal(statuses, [200, 200, 200, 429, 429]);
        const refused = await beet(beacon.url);
        equal(refused.headers.get("ratelimit-policy"), "3;w=3600");
        ok(Number(refused.headers.get("retry-after")) > 3_500);
        const other = await b.created(site.id, { name: "other" });
        equal((await beet(other.url)).status, 200, "each beacon has its own window");
      });

      await t.step(
        "change: a new limit applies from the next hit; null is the default again",
        async () => {
          const site = await api.createApp();
          const beacon = await b.created(site.id, {
            name: "tight",
            limit: { count: 2, window_s: 3_600 },
          });
          const hits = async (n: number) => {
            const statuses = [];
            for (let i = 0; i < n; i++) statuses.push((await beet(beacon.url)).status);
            return statuses;
          };
          equal(await hits(3), [200, 200, 429]);

          const res = await b.change(site.id, beacon.id, { limit: { count: 4, window_s: 3_600 } });
          equal(res.status, 200);
          const changed = await res.json();
          equal(changed, {
            id: beacon.id,
            app_id: site.id,
            name: "tight",
            limit: { count: 4, window_s: 3_600, default: false },
            created_at: changed.created_at,
          });
          equal(changed, await api.adminJson(`/api/v1/apps/${site.id}/beacons/${beacon.id}`));
          equal(await b.row(beacon.id), { name: "tight", limit_count: 4, limit_window_s: 3_600 });
          // The two hits already counted stay counted under the new limit.
          equal(await hits(3), [200, 200, 429]);
          const refused = await beet(beacon.url);
          equal(refused.headers.get("ratelimit-policy"), "4;w=3600");

          const reset = await b.change(site.id, beacon.id, { limit: null });
          equal(reset.status, 200);
          equal((await reset.json()).limit, { count: 60, window_s: 10, default: true });
          equal(await b.row(beacon.id), {
            name: "tight",
            limit_count: null,
            limit_window_s: null,
          });
          equal(await hits(2), [200, 200]);
          equal((await b.stored(site.id)).length, 6);
        },
      );

      await t.step(
        "change: a renamed beacon's later hits are events of the new name",
        async () => {
          const site = await api.createApp();
          const beacon = await b.created(site.id, { name: "old-name" });
          assertPixel(await beet(beacon.url));
          const res = await b.change(site.id, beacon.id, { name: "  new-name " });
          equal(res.status, 200);
          const renamed = await res.json();
          equal([renamed.name, renamed.limit.default], ["new-name", true]);
          ok(!("token" in renamed) && !("url" in renamed), "the token is not shown");
          equal(await b.row(beacon.id), {
            name: "new-name",
            limit_count: null,
            limit_window_s: null,
          });
          assertPixel(await beet(beacon.url), 200);
          assertPixel(await beet(beacon.url, { method: "POST", body: '{"value": 5}' }));
          equal((await b.stored(site.id)).map((e) => [e.event, e.value]), [
            ["old-name", null],
            ["new-name", null],
            ["new-name", 5],
          ]);
          // The same name again, or both fields at once, is fine.
          const both = await b.change(site.id, beacon.id, {
            name: "new-name",
            limit: { count: 9, window_s: 9 },
          });
          equal(both.status, 200);
          equal((await both.json()).limit, { count: 9, window_s: 9, default: false });
        },
      );

      await t.step(
        "change: bad input 422, a taken name 409, unknown beacon or app 404, no admin 401",
        async () => {
          const site = await api.createApp();
          const beacon = await b.created(site.id, {
            name: "kept",
            limit: { count: 7, window_s: 70 },
          });
          await b.created(site.id, { name: "taken" });
          for (
            const body of [
              {},
              { name: "" },
              { name: "x".repeat(256) },
              { limit: { count: 0, window_s: 10 } },
              { limit: { count: 10 } },
              { limit: "60/10" },
              "[]",
            ]
          ) {
            const res = await b.change(site.id, beacon.id, body);
            equal(res.status, 422, JSON.stringify(body));
            const error = await res.json();
            equal(error.error, "validation_failed");
            ok(error.message.length > 0);
          }
          const malformed = await b.change(site.id, beacon.id, '{"name":');
          equal(malformed.status, 400);
          await malformed.body?.cancel();

          const taken = await b.change(site.id, beacon.id, { name: "taken", limit: null });
          equal(taken.status, 409);
          const conflict = await b.create(site.id, { name: "taken" });
          equal(conflict.status, 409);
          equal(await taken.json(), await conflict.json(), "the same answer as on creation");
          equal(await b.row(beacon.id), { name: "kept", limit_count: 7, limit_window_s: 70 });

          const other = await api.createApp();
          for (
            const [appId, beaconId] of [
              [site.id, "bcn_nope"],
              ["app_nope", beacon.id],
              [other.id, beacon.id],
            ]
          ) {
            const res = await b.change(appId, beaconId, { name: "x" });
            equal(res.status, 404, `${appId}/${beaconId}`);
            equal(await res.json(), {
              error: "not_found",
              message: `App ${JSON.stringify(appId)} has no beacon ${JSON.stringify(beaconId)}.`,
            });
          }
          const anonymous = await fetch(
            `${server.url}/api/v1/apps/${site.id}/beacons/${beacon.id}`,
            {
              method: "PATCH",
              body: JSON.stringify({ name: "x" }),
            },
          );
          equal(anonymous.status, 401);
          equal((await anonymous.json()).error, "unauthorized");
          equal(await b.row(beacon.id), { name: "kept", limit_count: 7, limit_window_s: 70 });
        },
      );

      await t.step("an internal error still answers the pixel", async () => {
        const site = await api.createApp();
        const beacon = await b.created(site.id, { name: "broken" });
        const { db } = server.services;
        await db.schema.alterTable("events").renameTo("events_away").execute();
        try {
          assertPixel(await beet(beacon.url, { method: "POST", body: '{"value": 1}' }));
          assertPixel(await beet(beacon.url));
        } finally {
          await db.schema.alterTable("events_away").renameTo("events").execute();
        }
        assertPixel(await beet(beacon.url));
        equal((await b.stored(site.id)).length, 1);
      });
    } finally {
      await server.close();
    }
  });

  Deno.test(`beacon windows survive a restart on ${database}`, async () => {
    await withRestart(database, async (first, restart) => {
      const b = beacons(first);
      const app = await b.api.createApp();
      const beacon = await b.created(app.id, { name: "persist" });
      const statuses = await Promise.all(
        Array.from({ length: 70 }, async () => (await beet(beacon.url)).status),
      );
      equal(statuses.filter((s) => s === 200).length, 60);
      const second = await restart();
      const url = beacon.url.replace(first.url, second.url);
      const after = await beet(url);
      assertPixel(after, 429);
      // Persisted windows are kept in 500 ms buckets: at most half a second longer.
      ok(Number(after.headers.get("retry-after")) <= 11);
      equal((await beacons(second).stored(app.id)).length, 60);
    });
  });
}

Deno.test("when KV fails, beacons and events stay open", async () => {
  const server = await startTestServer("postgres");
  const b = beacons(server);
  try {
    const app = await b.api.createApp();
    const beacon = await b.created(app.id, { name: "no-kv" });
    server.services.kv.close();
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => (await beet(beacon.url)).status),
    );
    equal(statuses, [200, 200, 200, 200, 200]);
    equal((await b.api.heartbeat(app.token, { event: "still-open" })).status, 201);
    equal((await b.stored(app.id)).length, 6);
  } finally {
    await server.close();
  }
});

/** Runs `command`; false when it is not installed, else asserts its output. */
async function runs(command: string, args: string[], expected: string): Promise<boolean> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  const stderr = new TextDecoder().decode(output.stderr);
  // A Python without the requests package cannot run the seed's example.
  if (stderr.includes("No module named 'requests'")) return false;
  equal(new TextDecoder().decode(output.stdout), expected, stderr);
  return true;
}

/**
 * Starts a server, lets `body` use it and restart it on the same database and data
 * directory (a graceful stop, as on SIGTERM), then cleans everything up.
 */
async function withRestart(
  database: DatabaseChoice,
  body: (first: TestServer, restart: () => Promise<TestServer>) => Promise<void>,
) {
  const first = await startTestServer(database);
  let second: TestServer | undefined;
  let firstStopped = false;
  try {
    await body(first, async () => {
      await first.shutdown();
      firstStopped = true;
      const config = readConfig({
        PORT: "0",
        HARTSLAG_HOSTNAME: "127.0.0.1",
        HARTSLAG_DATA_DIR: first.dataDir,
        HARTSLAG_ADMIN_TOKEN: first.adminToken,
        DATABASE_URL: first.databaseUrl,
      });
      const running = await startServer(config, { log: silentLogger });
      second = {
        ...running,
        adminToken: first.adminToken,
        dataDir: first.dataDir,
        databaseUrl: first.databaseUrl,
        close: () => running.shutdown(),
      };
      return second;
    });
  } finally {
    await second?.shutdown();
    if (!firstStopped) await first.shutdown();
    await first.close();
  }
}
