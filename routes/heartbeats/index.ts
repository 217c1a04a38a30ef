import { checkInFromParams, checkInHandler } from "../../lib/web/checkins.ts";
import type { Handlers } from "../../lib/web/route.ts";

/** AppSignal-style check-in by URL parameters (the docs use both /heartbeat and /heartbeats). */
export const handler: Handlers = { POST: checkInHandler(checkInFromParams) };
