import CopyButton from "../islands/CopyButton.tsx";

interface Props {
  id: string;
  label: string;
  value: string;
  copyLabel: string;
}

/** A read-only value (a token, a URL) with an accessible label and a copy button. */
export function CopyableValue({ id, label, value, copyLabel }: Props) {
  return (
    <div class="token-row">
      <label class="visually-hidden" for={id}>{label}</label>
      <input id={id} class="token" type="text" readOnly value={value} spellcheck={false} />
      <CopyButton value={value} target={id} label={copyLabel} />
    </div>
  );
}
