/**
 * A loopback TCP proxy in front of PostgreSQL, so a test can cut the database off from a
 * running server (refuse), make it hang (stall), hang only the connections open now
 * (freezeOpen), and bring it back (forward).
 */
export class TcpProxy {
  #listener: Deno.Listener | undefined;
  #connections = new Set<Deno.Conn>();
  #mode: "forward" | "refuse" | "stall" = "forward";
  #stalled: (() => void)[] = [];
  /** Connections that pass no bytes any more, whatever the mode. */
  #frozen = new Set<Deno.Conn>();
  port = 0;

  constructor(private readonly target: { hostname: string; port: number }) {}

  start(port = 0): void {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accept(this.#listener);
  }

  forward(): void {
    this.#mode = "forward";
    if (!this.#listener) this.start(this.port);
    this.#stalled.splice(0).forEach((resume) => resume());
  }

  /** Closes the port and every open connection: the database is unreachable. */
  refuse(): void {
    this.#mode = "refuse";
    this.#listener?.close();
    this.#listener = undefined;
    this.#dropAll();
  }

  /** Keeps connections open but passes no bytes until `forward`. */
  stall(): void {
    this.#mode = "stall";
  }

  /** The connections open now hang for good (no error, no bytes); new ones are forwarded. */
  freezeOpen(): void {
    for (const conn of this.#connections) this.#frozen.add(conn);
  }

  close(): void {
    this.refuse();
    this.#frozen.clear();
    this.#stalled.splice(0).forEach((resume) => resume());
  }

  #dropAll(): void {
    for (const conn of this.#connections) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
    this.#connections.clear();
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    try {
      for await (const client of listener) this.#serve(client);
    } catch { /* listener closed */ }
  }

  async #serve(client: Deno.Conn): Promise<void> {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect(this.target);
    } catch {
      client.close();
      return;
    }
    this.#connections.add(client);
    this.#connections.add(upstream);
    const pump = async (from: Deno.Conn, to: Deno.Conn) => {
      const buffer = new Uint8Array(64 * 1024);
      try {
        for (;;) {
          const n = await from.read(buffer);
          if (n === null) break;
          while (this.#mode === "stall" || this.#frozen.has(from)) {
            await new Promise<void>((resume) => this.#stalled.push(resume));
          }
          let written = 0;
          while (written < n) written += await to.write(buffer.subarray(written, n));
        }
      } catch { /* either side closed */ }
      for (const conn of [from, to]) {
        try {
          conn.close();
        } catch { /* closed */ }
        this.#connections.delete(conn);
      }
    };
    pump(client, upstream);
    pump(upstream, client);
  }
}
