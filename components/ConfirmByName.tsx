import { CsrfField } from "./CsrfField.tsx";

interface Props {
  state: Record<string, unknown>;
  /** What the operator must type to confirm. */
  name: string;
  error?: string;
  submitLabel: string;
  cancelHref: string;
}

/** A destructive action's form: go ahead only once the operator typed the thing's name. */
export function ConfirmByName({ state, name, error, submitLabel, cancelHref }: Props) {
  return (
    <>
      {error && <p class="notice error" role="alert">{error}</p>}
      <form method="post" class="stack">
        <CsrfField state={state} />
        <label class="field">
          <span>
            Type <strong>{name}</strong> to confirm
          </span>
          <input
            type="text"
            name="confirm"
            required
            autocomplete="off"
            aria-invalid={error ? "true" : undefined}
          />
        </label>
        <div class="button-row">
          <button type="submit" class="button danger">{submitLabel}</button>
          <a class="button quiet" href={cancelHref}>Cancel</a>
        </div>
      </form>
    </>
  );
}
