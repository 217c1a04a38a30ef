import type { PageProps } from "../lib/web/route.ts";

interface ErrorData {
  status: number;
  message: string;
  requestId: string;
}

/** The friendly page for a failed page request (404, 403, 500, …). */
export default function ErrorPage({ data }: PageProps<ErrorData>) {
  const heading = data.status === 404
    ? "Page not found"
    : data.status === 403
    ? "Not allowed"
    : data.status >= 500
    ? "Something went wrong"
    : "That did not work";
  return (
    <section class="narrow">
      <p class="eyebrow">Error {data.status}</p>
      <h1>{heading}</h1>
      <p>{data.message}</p>
      {data.status >= 500 && (
        <p class="muted">
          Request id: <code>{data.requestId}</code>
        </p>
      )}
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </section>
  );
}
