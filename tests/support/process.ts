import { v8Flags } from "../../release/start_flags.ts";

/**
 * A Hartslag server in its own process, as `deno task start` runs it — or, when
 * HARTSLAG_BUNDLE names a single-file bundle (`deno task test:bundle`), as that bundle runs
 * from an empty directory of its own, with no config, no npm and no remote modules.
 */
export interface ServerProcess {
  url: string;
  process: Deno.ChildProcess;
  /** Resolves with the exit status after a signal. */
  kill(signal: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
}

const mainTs = new URL("../../main.ts", import.meta.url).pathname;

/** The bundle under test, when the process tests run against one. */
export const bundlePath = Deno.env.get("HARTSLAG_BUNDLE");

/** The command line that runs Hartslag: `deno run … main.ts` or `deno run … <bundle>`. */
export function hartslagCommand(args: string[]): string[] {
  if (!bundlePath) return ["run", ...v8Flags, "--allow-all", mainTs, ...args];
  return [
    "run",
    ...v8Flags,
    "--allow-all",
    "--no-config",
    "--no-npm",
    "--no-remote",
    "--unstable-kv",
    "--unstable-cron",
    bundlePath,
    ...args,
  ];
}

/** Runs a one-off Hartslag command (`create-app`, `migrate`, …) to completion. */
export async function runHartslag(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = await Deno.makeTempDir({ prefix: "hartslag-cwd-" });
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: hartslagCommand(args),
      env,
      cwd,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  // A bundle starts from an empty directory: nothing of the source tree is beside it.
  const cwd = bundlePath ? await Deno.makeTempDir({ prefix: "hartslag-cwd-" }) : undefined;
  const process = new Deno.Command(Deno.execPath(), {
    args: hartslagCommand(["serve"]),
    env: { PORT: "0", HARTSLAG_HOSTNAME: "127.0.0.1", ...env },
    cwd,
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
  const removeCwd = () => cwd ? Deno.remove(cwd, { recursive: true }).catch(() => {}) : undefined;
  const exited = process.status.then(async (status) => {
    await removeCwd();
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
      await removeCwd();
      return status;
    },
    output: () => output,
  };
}
