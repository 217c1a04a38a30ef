import type { Migration } from "kysely/migration";
import * as core from "./0001_core.ts";
import * as monitors from "./0002_monitors.ts";
import * as beacons from "./0003_beacons.ts";
import * as operators from "./0004_operators.ts";
import * as operations from "./0005_operations.ts";
import * as rollupDeltas from "./0006_rollup_deltas.ts";
import * as eventsTimeIndex from "./0007_events_time_index.ts";

/** Every migration, in order. Static imports keep them inside a bundle or compiled binary. */
export const migrations: Record<string, Migration> = {
  "0001_core": core,
  "0002_monitors": monitors,
  "0003_beacons": beacons,
  "0004_operators": operators,
  "0005_operations": operations,
  "0006_rollup_deltas": rollupDeltas,
  "0007_events_time_index": eventsTimeIndex,
};
