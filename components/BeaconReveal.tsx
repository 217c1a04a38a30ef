import { CopyableValue } from "./CopyableValue.tsx";

interface Props {
  heading: string;
  beaconName: string;
  token: string;
  url: string;
}

/** A beacon's token and URL, shown this once, with a copy button and snippets to paste. */
export function BeaconReveal({ heading, beaconName, token, url }: Props) {
  const img = `<img src="${url}" alt="" width="1" height="1">`;
  const js = `navigator.sendBeacon("${url}", JSON.stringify({ value: 1 }));`;
  return (
    <section class="panel reveal" aria-labelledby="beacon-token-heading" tabIndex={-1} id="token">
      <h2 id="beacon-token-heading">{heading}</h2>
      <p>
        The URL of beacon <strong>{beaconName}</strong> carries its token. It is shown{" "}
        <strong>only now</strong>: Hartslag keeps only a fingerprint of it.
      </p>
      <CopyableValue id="beacon-url" label="Beacon URL" value={url} copyLabel="Copy URL" />
      <CopyableValue id="token-value" label="Beacon token" value={token} copyLabel="Copy token" />
      <details>
        <summary>Use it in a page</summary>
        <pre><code>{img}</code></pre>
        <pre><code>{js}</code></pre>
      </details>
    </section>
  );
}
