import { publicBaseUrl } from "../../lib/web/base_url.ts";
import { guideHtml } from "../../lib/web/guide.ts";
import type { Handlers, PageProps } from "../../lib/web/route.ts";
import { currentSession } from "../../lib/web/session.ts";

interface Data {
  baseUrl: string;
  html: string;
}

/** The integration guide, public, with this instance's base URL in every snippet. */
export const handler: Handlers = {
  async GET(ctx) {
    await currentSession(ctx); // shows the signed-in navigation when there is a session
    const baseUrl = publicBaseUrl(ctx);
    return ctx.render({ baseUrl, html: await guideHtml(baseUrl) } satisfies Data, {
      title: "Integration guide",
    });
  },
};

export default function Docs({ data }: PageProps<Data>) {
  return (
    <>
      <div class="page-head">
        <div>
          <p class="eyebrow">Docs</p>
          <h1>Integration guide</h1>
          <p class="muted">
            Every example below uses this instance's address: <code>{data.baseUrl}</code>
          </p>
        </div>
        <div class="actions">
          <a class="button" href="/docs/integration-guide.md" download>Download Markdown</a>
        </div>
      </div>
      {/* The guide is the project's own Markdown (raw HTML escaped); nothing user-supplied. */}
      <article class="prose" dangerouslySetInnerHTML={{ __html: data.html }} />
    </>
  );
}
