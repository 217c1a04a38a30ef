/** A local HTTP server that records what alert channels POST to it. */
export interface Received {
  path: string;
  headers: Headers;
  body: string;
  json: Record<string, unknown>;
  at: number;
}

export type Behaviour = (req: Request, count: number) => Promise<Response> | Response;

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once `n` requests (on `path`, when given) have arrived, or throws after `ms`. */
  waitFor(n: number, ms?: number, path?: string): Promise<Received[]>;
  close(): Promise<void>;
}

export function startReceiver(behaviour: Behaviour = () => new Response("ok")): Receiver {
  const received: Received[] = [];
  let count = 0;
  const hanging = new AbortController();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const body = await req.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body);
    } catch { /* not JSON */ }
    received.push({
      path: new URL(req.url).pathname,
      headers: req.headers,
      body,
      json,
      at: Date.now(),
    });
    return await behaviour(req, ++count);
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    received,
    async waitFor(n, ms = 10_000, path) {
      const deadline = Date.now() + ms;
      const matching = () => received.filter((r) => path === undefined || r.path === path);
      while (matching().length < n) {
        if (Date.now() > deadline) {
          throw new Error(
            `expected ${n} requests${path ? ` on ${path}` : ""}, got ${matching().length}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return matching();
    },
    async close() {
      hanging.abort();
      await server.shutdown();
    },
  };
}

/** Polls `check` until it returns a value that is not undefined, or throws after `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
