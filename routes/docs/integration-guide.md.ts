import { publicBaseUrl } from "../../lib/web/base_url.ts";
import { guideMarkdown } from "../../lib/web/guide.ts";
import type { Handlers } from "../../lib/web/route.ts";

/** The Docs page's guide as a Markdown file, with this instance's base URL filled in. */
export const handler: Handlers = {
  async GET(ctx) {
    return new Response(await guideMarkdown(publicBaseUrl(ctx)), {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        "content-disposition": 'attachment; filename="hartslag-integration-guide.md"',
        "cache-control": "no-store",
      },
    });
  },
};
