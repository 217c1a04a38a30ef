import { stringify } from "csv-stringify/sync";
import type { App } from "../store/apps.ts";
import { type ExportCursor, type ExportFilter, exportPage } from "../store/events.ts";
import type { RouteContext } from "./route.ts";

const PAGE_SIZE = 2_000;
const HEADER = ["event", "weight", "user_id", "created_at"];

/**
 * An app's raw events as a streamed CSV download, for the management API and the dashboard
 * alike. Pull-based: the next page is read only when the client has taken the last one, so
 * memory stays at one page however large the export.
 */
export function csvExportResponse(ctx: RouteContext, app: App, filter: ExportFilter): Response {
  const { db } = ctx.services;
  const encoder = new TextEncoder();
  let cursor: ExportCursor | undefined;
  let done = false;
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
}
