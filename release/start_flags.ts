import config from "../deno.json" with { type: "json" };

/**
 * The V8 flags `deno task start` runs the service with (deno.json is where they are set), for
 * the compiled binary and the test and benchmark servers to run with the same.
 */
export const v8Flags: string[] = config.tasks.start.split(" ")
  .filter((arg) => arg.startsWith("--v8-flags="));
