import { useEffect, useState } from "preact/hooks";

interface Props {
  /** The text to copy. */
  value: string;
  /** The id of the field that shows the text (selected as a fallback). */
  target: string;
  label?: string;
}

/** A button that copies a value; hidden until JavaScript runs, since it needs it. */
export default function CopyButton({ value, target, label = "Copy" }: Props) {
  const [ready, setReady] = useState(false);
  const [message, setMessage] = useState("");
  useEffect(() => setReady(true), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setMessage("Copied to the clipboard.");
    } catch {
      const field = document.getElementById(target) as HTMLInputElement | null;
      field?.focus();
      field?.select();
      setMessage("Selected: press Ctrl+C (or ⌘C) to copy.");
    }
  }

  return (
    <span class="copy">
      <button type="button" class="button" onClick={copy} hidden={!ready} aria-controls={target}>
        {label}
      </button>
      <span class="copy-status" role="status">{message}</span>
    </span>
  );
}
