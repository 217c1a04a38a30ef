import { CopyableValue } from "./CopyableValue.tsx";

interface Props {
  heading: string;
  token: string;
  appId: string;
  appName: string;
  baseUrl: string;
}

/** A freshly issued token, shown this once, with a copy button and a first request to try. */
export function TokenReveal({ heading, token, appId, appName, baseUrl }: Props) {
  const curl = `curl -X POST "${baseUrl}/api/v1/heartbeat" \\
  -H "Authorization: Bearer ${token}" \\
  -H "Content-Type: application/json" \\
  -d '{"event": "user-login"}'`;
  return (
    <section class="panel reveal" aria-labelledby="token-heading" tabIndex={-1} id="token">
      <h2 id="token-heading">{heading}</h2>
      <p>
        This is the token of <strong>{appName}</strong>. It is shown <strong>only now</strong>:{" "}
        Hartslag keeps only a fingerprint of it. Copy it into your app's secrets.
      </p>
      <CopyableValue id="token-value" label="API token" value={token} copyLabel="Copy token" />
      <details>
        <summary>Try it: send a first event</summary>
        <pre><code>{curl}</code></pre>
      </details>
      <p>
        <a href={`/apps/${encodeURIComponent(appId)}`}>Go to {appName}</a>
      </p>
    </section>
  );
}
