import { requireOperator } from "../../lib/web/session.ts";

/** Every page in this group needs a signed-in operator; forms carry the CSRF token. */
export const middleware = requireOperator;
