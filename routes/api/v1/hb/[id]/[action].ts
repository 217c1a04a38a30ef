import { pingHandlers } from "../../../../../lib/web/ping.ts";

/** `/start`, `/fail`, or an exit status 0–255 (0 is success, anything else a failure). */
export const handler = pingHandlers((ctx) => ctx.params.action);
