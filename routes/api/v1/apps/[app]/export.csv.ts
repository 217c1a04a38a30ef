import { exportQuery } from "../../../../../lib/domain/app_input.ts";
import { appFromParams } from "../../../../../lib/web/admin.ts";
import { csvExportResponse } from "../../../../../lib/web/csv_export.ts";
import { queryParams } from "../../../../../lib/web/input.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    return csvExportResponse(ctx, app, queryParams(ctx, exportQuery));
  },
};
