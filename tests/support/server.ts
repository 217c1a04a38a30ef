import { readConfig } from "../../lib/config.ts";
import { jsonLogger, silentLogger } from "../../lib/log.ts";
import { type RunningServer, startServer } from "../../main.ts";
import { createTestDatabase } from "./postgres.ts";
import { bundlePath, spawnServer } from "./process.ts";

export type DatabaseChoice = "postgres" | "embedded";
export const databaseChoices: DatabaseChoice[] = ["postgres", "embedded"];

export interface TestServer extends RunningServer {
  adminToken: string;
  dataDir: string;
  databaseUrl?: string;
  /** Stops the server and removes its database and data directory. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  now?: () => Date;
}

/**
 * True when the suite runs against the single-file bundle (`deno task test:bundle`):
 * startTestServer then starts the bundle in its own process, so a test that reaches into the
 * server's process (its services, a pinned clock) cannot run and is marked
 * `ignore: againstBundle`.
 */
export const againstBundle = bundlePath !== undefined;

const inProcessOnly = (what: string) => () => {
  throw new Error(`${what} needs the in-process server: mark the test ignore: againstBundle`);
};

/**
 * A real server on a random loopback port, over a fresh database of the chosen kind: in this
 * process, or — under `deno task test:bundle` — the bundle in a process of its own.
 */
export async function startTestServer(
  database: DatabaseChoice,
  options: TestServerOptions = {},
): Promise<TestServer> {
  if (againstBundle && options.now) inProcessOnly("a pinned clock")();
  const pg = database === "postgres" ? await createTestDatabase() : undefined;
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-test-" });
  const adminToken = `admin-${crypto.randomUUID()}`;
  const env: Record<string, string | undefined> = {
    PORT: "0",
    HARTSLAG_HOSTNAME: "127.0.0.1",
    HARTSLAG_DATA_DIR: dataDir,
    HARTSLAG_ADMIN_TOKEN: adminToken,
    DATABASE_URL: pg?.url,
    ...options.env,
  };
  if (againstBundle) {
    const spawned = await spawnServer(
      Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
    );
    let stopped: Promise<void> | undefined;
    const shutdown = () =>
      stopped ??= spawned.kill("SIGTERM").then((status) => {
        if (status.code !== 0) {
          throw new Error(`the server exited ${status.code}:\n${spawned.output()}`);
        }
      });
    return {
      url: spawned.url,
      get services(): never {
        return inProcessOnly("server.services")();
      },
      retain: inProcessOnly("server.retain()"),
      shutdown,
      adminToken,
      dataDir,
      databaseUrl: pg?.url,
      async close() {
        await shutdown();
        await pg?.drop();
        await Deno.remove(dataDir, { recursive: true });
      },
    };
  }
  const config = readConfig(env);
  const running = await startServer(config, {
    log: Deno.env.get("TEST_LOG") ? jsonLogger() : silentLogger,
    now: options.now,
  });
  return {
    ...running,
    adminToken,
    dataDir,
    databaseUrl: pg?.url,
    async close() {
      await running.shutdown();
      await pg?.drop();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

export interface CreatedApp {
  id: string;
  name: string;
  timezone: string;
  token: string;
}

/** Client helpers for a running server. */
export function client(server: { url: string; adminToken: string }) {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${server.adminToken}`, ...init.headers },
    });
  return {
    admin,
    async createApp(name = `app-${crypto.randomUUID().slice(0, 8)}`, timezone?: string) {
      const res = await admin("/api/v1/apps", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, timezone }),
      });
      if (res.status !== 201) throw new Error(`create app: ${res.status} ${await res.text()}`);
      return await res.json() as CreatedApp;
    },
    heartbeat(token: string, body: unknown, headers: Record<string, string> = {}) {
      return fetch(`${server.url}/api/v1/heartbeat`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          ...headers,
        },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    },
    async adminJson(path: string) {
      const res = await admin(path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return await res.json();
    },
  };
}
