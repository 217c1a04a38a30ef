/** A real server process (`deno run main.ts serve`), for tests that need several. */
export interface ServerProcess {
  url: string;
  child: Deno.ChildProcess;
  /** Every log line it printed so far. */
  lines: string[];
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

const root = new URL("../../", import.meta.url);

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = await Deno.makeTempDir({ prefix: "hartslag-proc-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts", "serve"],
    cwd: root,
    env: { PORT: "0", HARTSLAG_HOSTNAME: "127.0.0.1", HARTSLAG_DATA_DIR: dataDir, ...env },
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const lines: string[] = [];
  const { promise: url, resolve: resolveUrl, reject: rejectUrl } = Promise.withResolvers<string>();
  // Keep reading stdout for the whole life of the process, so it never blocks on a full pipe.
  const reading = (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.msg === "listening") resolveUrl(entry.url);
        } catch { /* not a log line */ }
      }
    }
    rejectUrl(new Error(`the server exited before listening:\n${lines.join("\n")}`));
  })();
  const timer = setTimeout(() => rejectUrl(new Error("the server did not start in 30 s")), 30_000);
  try {
    return {
      url: await url,
      child,
      lines,
      async stop(signal: Deno.Signal = "SIGTERM") {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
        const status = await child.status;
        await reading;
        await Deno.remove(dataDir, { recursive: true }).catch(() => {});
        return status;
      },
    };
  } catch (error) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status;
    await reading;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
