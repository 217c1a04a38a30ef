import type { Migration } from "kysely/migration";
import * as core from "./0001_core.ts";
import * as monitors from "./0002_monitors.ts";

/** Every migration, in order. Static imports keep them inside a bundle or compiled binary. */
export const migrations: Record<string, Migration> = {
  "0001_core": core,
  "0002_monitors": monitors,
};
