import { checkInHandler, checkInsFromLines } from "../../lib/web/checkins.ts";
import type { Handlers } from "../../lib/web/route.ts";

/** AppSignal-style check-ins as NDJSON, one or more objects per line. */
export const handler: Handlers = { POST: checkInHandler(checkInsFromLines) };
