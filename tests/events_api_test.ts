import { deepStrictEqual as equal, ok } from "node:assert/strict";
import { client, databaseChoices, startTestServer } from "./support/server.ts";

/** The rows export.csv gives back, parsed (the export has no quoting for these values). */
async function exportedRows(api: ReturnType<typeof client>, appId: string, query = "") {
  const res = await api.admin(`/api/v1/apps/${appId}/export.csv${query}`);
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  const lines = (await res.text()).trimEnd().split("\n");
  equal(lines[0], "event,weight,user_id,created_at");
  return lines.slice(1);
}

for (const database of databaseChoices) {
  Deno.test(`events API (§1) on ${database}`, async (t) => {
    const server = await startTestServer(database);
    const api = client(server);
    try {
      const app = await api.createApp("Shop");

      await t.step("the guide's own example is stored and answered 201 []", async () => {
        const res = await api.heartbeat(app.token, {
          event: "user-login",
          weight: 1,
          user_id: 123,
          created_at: "2024-01-17T10:30:00Z",
        });
        equal(res.status, 201);
        equal(await res.json(), []);
        equal(await exportedRows(api, app.id), ["user-login,1,123,2024-01-17T10:30:00.000Z"]);
      });

      await t.step("a missing or wrong token is 401 {error: Unauthorized}", async () => {
        for (
          const headers of [
            {} as Record<string, string>,
            { authorization: "Bearer nope" },
            { authorization: app.token },
            { authorization: "Basic abc" },
          ]
        ) {
          const res = await fetch(`${server.url}/api/v1/heartbeat`, {
            method: "POST",
            headers: { "content-type": "application/json", ...headers },
            body: JSON.stringify({ event: "x" }),
          });
          equal(res.status, 401);
          equal(await res.json(), { error: "Unauthorized" });
        }
      });

      await t.step("a missing event is the guide's 422 body", async () => {
        const res = await api.heartbeat(app.token, { weight: 1 });
        equal(res.status, 422);
        equal(await res.json(), {
          message: "The event field is required.",
          errors: { event: ["The event field is required."] },
        });
      });

      await t.step("several failures count the rest as Laravel does", async () => {
        let res = await api.heartbeat(app.token, {
          event: "   ",
          weight: "heavy",
          user_id: 1.5,
          created_at: "2024-02-30",
        });
        equal(res.status, 422);
        equal(await res.json(), {
          message: "The event field is required. (and 3 more errors)",
          errors: {
            event: ["The event field is required."],
            weight: ["The weight field must be an integer."],
            user_id: ["The user id field must be an integer."],
            created_at: ["The created at field must be a valid date."],
          },
        });
        res = await api.heartbeat(app.token, { event: 42, weight: [] });
        equal(res.status, 422);
        equal(await res.json(), {
          message: "The event field must be a string. (and 1 more error)",
          errors: {
            event: ["The event field must be a string."],
            weight: ["The weight field must be an integer."],
          },
        });
      });

      await t.step("event names are trimmed and limited to 255 characters", async () => {
        const fresh = await api.createApp();
        equal((await api.heartbeat(fresh.token, { event: "  \tpadded\n " })).status, 201);
        equal((await api.heartbeat(fresh.token, { event: "é".repeat(255) })).status, 201);
        const res = await api.heartbeat(fresh.token, { event: "x".repeat(256) });
        equal(res.status, 422);
        equal((await res.json()).errors, {
          event: ["The event field must not be greater than 255 characters."],
        });
        const rows = await exportedRows(api, fresh.id);
        ok(rows[0].startsWith("padded,1,,"), rows[0]);
        ok(rows[1].startsWith(`${"é".repeat(255)},1,,`));
      });

      await t.step("weights are 64-bit integers, exact at the edges", async () => {
        const fresh = await api.createApp();
        for (const weight of ["9223372036854775807", "-9223372036854775808", '"5"', "0"]) {
          const res = await api.heartbeat(fresh.token, `{"event":"w","weight":${weight}}`);
          equal(res.status, 201, weight);
        }
        equal((await api.heartbeat(fresh.token, { event: "w" })).status, 201);
        for (const weight of ["9223372036854775808", "1.5", '"1e3"', "true", "1e400", '"05"']) {
          const res = await api.heartbeat(fresh.token, `{"event":"w","weight":${weight}}`);
          equal(res.status, 422, weight);
        }
        const weights = (await exportedRows(api, fresh.id)).map((row) => row.split(",")[1]);
        equal(weights, ["9223372036854775807", "-9223372036854775808", "5", "0", "1"]);
        const summary = await api.adminJson(`/api/v1/apps/${fresh.id}/events`);
        equal(summary.events[0].total, { count: 5, weight: 5 });
      });

      await t.step("weight sums beyond a double come back as exact strings", async () => {
        const fresh = await api.createApp();
        for (let i = 0; i < 2; i++) {
          await api.heartbeat(fresh.token, '{"event":"big","weight":9223372036854775807}');
        }
        const summary = await api.adminJson(`/api/v1/apps/${fresh.id}/events`);
        equal(summary.events[0].total, { count: 2, weight: "18446744073709551614" });
      });

      await t.step("every listed created_at format is accepted", async () => {
        const fresh = await api.createApp();
        const cases: [unknown, string][] = [
          ["2024-01-17T10:30:00Z", "2024-01-17T10:30:00.000Z"],
          ["2024-01-17T10:30:00+02:00", "2024-01-17T08:30:00.000Z"],
          ["2024-01-17T10:30:00.250-03:30", "2024-01-17T14:00:00.250Z"],
          ["2024-01-17T10:30:00", "2024-01-17T10:30:00.000Z"],
          ["2024-01-17 10:30:00", "2024-01-17T10:30:00.000Z"],
          ["2024-01-17", "2024-01-17T00:00:00.000Z"],
          [1705487400, "2024-01-17T10:30:00.000Z"],
          ["1705487400", "2024-01-17T10:30:00.000Z"],
        ];
        for (const [createdAt] of cases) {
          const res = await api.heartbeat(fresh.token, { event: "t", created_at: createdAt });
          equal(res.status, 201, String(createdAt));
        }
        const stored = (await exportedRows(api, fresh.id)).map((row) => row.split(",")[3]);
        equal(stored.sort(), cases.map(([, iso]) => iso).sort());
        for (const bad of ["yesterday", "2024-13-01", "2023-02-29", "2024-01-17T25:00:00Z", {}]) {
          const res = await api.heartbeat(fresh.token, { event: "t", created_at: bad });
          equal(res.status, 422, JSON.stringify(bad));
        }
      });

      await t.step("an omitted created_at is the time of receipt", async () => {
        const fresh = await api.createApp();
        const before = Date.now();
        equal((await api.heartbeat(fresh.token, { event: "now" })).status, 201);
        const [row] = await exportedRows(api, fresh.id);
        const at = Date.parse(row.split(",")[3]);
        ok(at >= before - 1000 && at <= Date.now() + 1000, row);
      });

      await t.step("malformed JSON is 400 and an oversized body 413", async () => {
        let res = await api.heartbeat(app.token, '{"event":');
        equal(res.status, 400);
        equal((await res.json()).error, "Bad Request");
        res = await api.heartbeat(
          app.token,
          JSON.stringify({ event: "x", pad: "p".repeat(70_000) }),
        );
        equal(res.status, 413);
        equal((await res.json()).error, "Payload Too Large");
      });

      await t.step("odd input never produces a 500 and stores nothing", async () => {
        const fresh = await api.createApp();
        const bodies = [
          '{"event":"a\\u0000b"}',
          '{"event":"\\ud800"}',
          "[".repeat(20_000) + "]".repeat(20_000),
          `{"event":"x","nested":${"[".repeat(5_000)}${"]".repeat(5_000)}}`.replace('"x"', "[]"),
          "null",
          '"just a string"',
          "[1,2,3]",
          '{"event":"x","weight":' + "9".repeat(5_000) + "}",
          '{"event":{"$gt":""}}',
          "\xff\xfe",
          "",
        ];
        for (const body of bodies) {
          const res = await api.heartbeat(fresh.token, body);
          ok([400, 413, 422].includes(res.status), `${res.status} for ${body.slice(0, 40)}`);
          await res.body?.cancel();
        }
        equal(await exportedRows(api, fresh.id), []);
      });

      await t.step("a form-encoded body is read as Laravel reads it", async () => {
        const fresh = await api.createApp();
        const res = await fetch(`${server.url}/api/v1/heartbeat`, {
          method: "POST",
          headers: { authorization: `Bearer ${fresh.token}` },
          body: new URLSearchParams({ event: "form-event", weight: "3" }),
        });
        equal(res.status, 201);
        equal((await exportedRows(api, fresh.id))[0].split(",").slice(0, 2), ["form-event", "3"]);
      });

      await t.step("rotating a token stops the old one at once", async () => {
        const fresh = await api.createApp();
        equal((await api.heartbeat(fresh.token, { event: "before" })).status, 201);
        const res = await api.admin(`/api/v1/apps/${fresh.id}/token`, { method: "POST" });
        equal(res.status, 200);
        const { token } = await res.json();
        ok(token.startsWith("hs_") && token !== fresh.token);
        equal((await api.heartbeat(fresh.token, { event: "after" })).status, 401);
        equal((await api.heartbeat(token, { event: "after" })).status, 201);
      });

      await t.step("tokens carry a prefix and at least 128 random bits", async () => {
        const a = await api.createApp();
        const b = await api.createApp();
        ok(/^hs_[0-9a-z]{39}$/.test(a.token), a.token);
        ok(a.token !== b.token);
      });
    } finally {
      await server.close();
    }
  });
}
