/**
 * The two inputs of a beacon's limit (hits per seconds) and their help text, as the create
 * form and the change-limit page show them; both empty means the default limit.
 */
export function BeaconLimitFields(
  { count, window, invalid, help }: {
    count: string;
    window: string;
    invalid?: boolean;
    help: string;
  },
) {
  const ariaInvalid = invalid ? "true" : undefined;
  return (
    <>
      <div class="field-pair">
        <label class="field">
          <span>Limit: hits</span>
          <input
            type="number"
            name="limit_count"
            min={1}
            max={1_000_000}
            value={count}
            aria-describedby="beacon-limit-help"
            aria-invalid={ariaInvalid}
          />
        </label>
        <label class="field">
          <span>Per seconds</span>
          <input
            type="number"
            name="limit_window_s"
            min={1}
            max={86_400}
            value={window}
            aria-invalid={ariaInvalid}
          />
        </label>
      </div>
      <span class="help" id="beacon-limit-help">{help}</span>
    </>
  );
}
