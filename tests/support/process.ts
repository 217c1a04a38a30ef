/** A Hartslag server in its own process, as `deno task start` runs it. */
export interface ServerProcess {
  url: string;
  process: Deno.ChildProcess;
  /** Resolves with the exit status after a signal. */
  kill(signal: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
}

const mainTs = new URL("../../main.ts", import.meta.url).pathname;

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", mainTs, "serve"],
    env: { PORT: "0", HARTSLAG_HOSTNAME: "127.0.0.1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  let announce: (url: string) => void;
  const listening = new Promise<string>((resolve) => (announce = resolve));
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      const match = output.match(/"msg":"listening","url":"([^"]+)"/);
      if (match) announce(match[1]);
    }
  };
  const streams = Promise.all([collect(process.stdout), collect(process.stderr)]);
  const exited = process.status.then((status) => {
    throw new Error(`server exited (${status.code}) before listening:\n${output}`);
  });
  const url = await Promise.race([listening, exited]);
  exited.catch(() => {});
  return {
    url,
    process,
    async kill(signal) {
      try {
        process.kill(signal);
      } catch { /* already gone */ }
      const status = await process.status;
      await streams;
      return status;
    },
    output: () => output,
  };
}
