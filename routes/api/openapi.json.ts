import { publicBaseUrl } from "../../lib/web/base_url.ts";
import { json } from "../../lib/web/http_error.ts";
import { openApiDocument } from "../../lib/web/openapi/mod.ts";
import type { Handlers } from "../../lib/web/route.ts";

export const handler: Handlers = {
  GET: (ctx) => json(openApiDocument(publicBaseUrl(ctx))),
};
