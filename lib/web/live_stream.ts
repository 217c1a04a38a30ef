/**
 * Server-sent events that follow one KV key: whenever `key` changes (Deno KV `watch`), the
 * stream re-reads `load()` and sends it as `event: <name>`. Sends at most one message per
 * `minIntervalMs` (changes in between are folded into the next read), a comment every 25 s
 * to keep proxies from closing an idle stream, and ends when the client goes away or
 * `stop` is aborted (server shutdown).
 */
export interface LiveStreamOptions {
  kv: Deno.Kv;
  key: Deno.KvKey;
  event: string;
  load: () => Promise<unknown>;
  stop: AbortSignal;
  onError?: (error: unknown) => void;
  minIntervalMs?: number;
  keepAliveMs?: number;
}

export function liveStreamResponse(options: LiveStreamOptions): Response {
  const { kv, key, event, load, onError = () => {} } = options;
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const local = new AbortController();
  const stop = AbortSignal.any([options.stop, local.signal]);
  const encoder = new TextEncoder();

  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!stop.aborted) controller.enqueue(encoder.encode(text));
      };
      const keepAlive = setInterval(() => send(": keep-alive\n\n"), options.keepAliveMs ?? 25_000);
      const reader = kv.watch([key]).getReader();
      const end = () => reader.cancel().catch(() => {});
      stop.addEventListener("abort", end, { once: true });
      send("retry: 3000\n\n");
      let lastSent = 0;
      try {
        while (!stop.aborted) {
          const { done } = await reader.read();
          if (done || stop.aborted) break;
          const wait = lastSent + minIntervalMs - Date.now();
          if (wait > 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, wait);
              stop.addEventListener("abort", () => {
                clearTimeout(timer);
                resolve();
              }, { once: true });
            });
            if (stop.aborted) break;
          }
          const data = await load();
          send(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
          lastSent = Date.now();
        }
      } catch (error) {
        if (!stop.aborted) onError(error);
      } finally {
        clearInterval(keepAlive);
        stop.removeEventListener("abort", end);
        await end();
        try {
          controller.close();
        } catch {
          // already closed by a cancel
        }
      }
    },
    cancel() {
      local.abort();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}
