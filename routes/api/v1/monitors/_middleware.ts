import { requireAdminToken } from "../../../../lib/web/admin.ts";

export const middleware = requireAdminToken;
