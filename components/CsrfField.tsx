import { CSRF_FIELD, csrfTokenOf } from "../lib/web/session.ts";

/** The hidden field every dashboard form carries: the session's CSRF token. */
export function CsrfField({ state }: { state: Record<string, unknown> }) {
  return <input type="hidden" name={CSRF_FIELD} value={csrfTokenOf(state)} />;
}
