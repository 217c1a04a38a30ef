/**
 * The integration guide (docs/integration-guide.md) with this instance's base URL in every
 * snippet, as Markdown (for download) and as HTML (for the Docs page). The guide is ours;
 * raw HTML inside it is escaped all the same, and Markdown code spans and blocks escape the
 * base URL.
 */
import { Marked } from "marked";
import { embeddedFiles } from "../embedded.ts";

const GUIDE = new URL("../../docs/integration-guide.md", import.meta.url);
const PLACEHOLDER = /\{\{BASE_URL\}\}/g;

let source: Promise<string> | undefined;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/<[^>]*>/g, "").replace(/&[^;]+;/g, "")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

const marked = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    heading({ tokens, depth }) {
      const inner = this.parser.parseInline(tokens);
      return `<h${depth} id="${slug(inner)}">${inner}</h${depth}>\n`;
    },
  },
});

/** The guide's Markdown with `baseUrl` filled in. */
export async function guideMarkdown(baseUrl: string): Promise<string> {
  const embedded = embeddedFiles();
  source ??= embedded ? Promise.resolve(embedded.guide) : Deno.readTextFile(GUIDE);
  return (await source).replace(PLACEHOLDER, baseUrl.replace(/\/+$/, ""));
}

/** The guide as HTML with `baseUrl` filled in. */
export async function guideHtml(baseUrl: string): Promise<string> {
  return await marked.parse(await guideMarkdown(baseUrl));
}
