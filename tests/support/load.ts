/**
 * A stream of heartbeats from many concurrent clients, each numbered by its user_id, that
 * keeps going until stopped: what the crash and shutdown tests put a server under.
 */
export interface HeartbeatLoad {
  /** user_ids answered 201: these must be stored. */
  acknowledged: number[];
  /** statuses of answers other than 201. */
  refused: number[];
  /** Resolves once `count` events were acknowledged. */
  until(count: number): Promise<void>;
  /** Stops sending and waits for the clients to finish. */
  stop(): Promise<void>;
}

export function startHeartbeatLoad(url: string, token: string, clients: number): HeartbeatLoad {
  const acknowledged: number[] = [];
  const refused: number[] = [];
  let next = 0;
  let stopped = false;
  const client = async () => {
    while (!stopped) {
      const id = next++;
      try {
        const res = await fetch(`${url}/api/v1/heartbeat`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ event: "load", user_id: id }),
        });
        await res.body?.cancel();
        if (res.status === 201) acknowledged.push(id);
        else refused.push(res.status);
      } catch {
        // the connection died with the server: not acknowledged
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const running = Array.from({ length: clients }, client);
  return {
    acknowledged,
    refused,
    async until(count) {
      while (acknowledged.length < count) await new Promise((r) => setTimeout(r, 10));
    },
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}
