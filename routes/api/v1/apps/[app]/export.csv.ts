import { stringify } from "csv-stringify/sync";
import { exportQuery } from "../../../../../lib/domain/app_input.ts";
import { type ExportCursor, exportPage } from "../../../../../lib/store/events.ts";
import { appFromParams } from "../../../../../lib/web/admin.ts";
import { queryParams } from "../../../../../lib/web/input.ts";
import type { Handlers } from "../../../../../lib/web/route.ts";

const PAGE_SIZE = 2_000;
const HEADER = ["event", "weight", "user_id", "created_at"];

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const filter = queryParams(ctx, exportQuery);
    const { db } = ctx.services;
    const encoder = new TextEncoder();
    let cursor: ExportCursor | undefined;
    let done = false;
    // Pull-based: the next page is read only when the client has taken the last one, so
    // memory stays at one page however large the export.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(stringify([HEADER])));
      },
      async pull(controller) {
        if (done) return;
        try {
          const rows = await exportPage(db, app.id, filter, cursor, PAGE_SIZE);
          if (rows.length > 0) {
            const last = rows[rows.length - 1];
            cursor = { createdAt: last.created_at, id: last.id };
            controller.enqueue(encoder.encode(stringify(
              rows.map((r) => [r.event, r.weight, r.user_id ?? "", r.created_at.toISOString()]),
            )));
          }
          if (rows.length < PAGE_SIZE) {
            done = true;
            controller.close();
          }
        } catch (error) {
          ctx.log.log("error", "csv export failed", { error, appId: app.id });
          controller.error(error);
        }
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${app.id}-events.csv"`,
        "cache-control": "no-store",
      },
    });
  },
};
