import { pingHandlers } from "../../../../../lib/web/ping.ts";

/** A success ping. */
export const handler = pingHandlers(() => undefined);
