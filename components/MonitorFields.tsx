import type { MonitorForm, MonitorFormErrors } from "../lib/web/monitor_board.ts";

interface Props {
  form: MonitorForm;
  errors: MonitorFormErrors;
  /** Prefix for element ids, so two forms can share a page. */
  id: string;
}

function FieldError({ id, text }: { id: string; text?: string }) {
  return text ? <span class="field-error" id={id}>{text}</span> : null;
}

/** Name, schedule (an interval in seconds, or cron and timezone) and grace of a monitor. */
export function MonitorFields({ form, errors, id }: Props) {
  const described = (field: keyof MonitorFormErrors, help?: string) =>
    errors[field] ? `${id}-${field}-error` : help;
  return (
    <>
      {errors.form && <p class="notice error" role="alert">{errors.form}</p>}
      <label class="field">
        <span>Name</span>
        <input
          type="text"
          name="name"
          required
          maxLength={255}
          value={form.name}
          aria-invalid={errors.name ? "true" : undefined}
          aria-describedby={described("name")}
        />
        <FieldError id={`${id}-name-error`} text={errors.name} />
      </label>
      <fieldset class="field choice">
        <legend>Schedule</legend>
        <label class="inline">
          <input
            type="radio"
            name="schedule"
            value="interval"
            checked={form.scheduleKind === "interval"}
          />{" "}
          Every fixed interval
        </label>
        <label class="inline">
          <input type="radio" name="schedule" value="cron" checked={form.scheduleKind === "cron"} />
          {" "}
          On a cron schedule
        </label>
      </fieldset>
      <label class="field">
        <span>Interval (seconds)</span>
        <input
          type="number"
          name="interval_s"
          min={1}
          inputMode="numeric"
          value={form.interval}
          aria-invalid={errors.interval ? "true" : undefined}
          aria-describedby={described("interval", `${id}-interval-help`)}
        />
        <span class="help" id={`${id}-interval-help`}>
          Used with “Every fixed interval”: 60 is a minute, 3600 an hour, 86400 a day.
        </span>
        <FieldError id={`${id}-interval-error`} text={errors.interval} />
      </label>
      <div class="field-pair">
        <label class="field">
          <span>Cron expression</span>
          <input
            type="text"
            name="cron"
            value={form.cron}
            placeholder="0 3 * * *"
            autocomplete="off"
            spellcheck={false}
            aria-invalid={errors.cron ? "true" : undefined}
            aria-describedby={described("cron", `${id}-cron-help`)}
          />
          <span class="help" id={`${id}-cron-help`}>
            Used with “On a cron schedule”: five fields, minute first.
          </span>
          <FieldError id={`${id}-cron-error`} text={errors.cron} />
        </label>
        <label class="field">
          <span>Cron timezone</span>
          <input
            type="text"
            name="timezone"
            value={form.timezone}
            list="timezones"
            autocomplete="off"
            aria-invalid={errors.timezone ? "true" : undefined}
            aria-describedby={described("timezone")}
          />
          <FieldError id={`${id}-timezone-error`} text={errors.timezone} />
        </label>
      </div>
      <label class="field">
        <span>Grace (seconds)</span>
        <input
          type="number"
          name="grace_s"
          min={0}
          inputMode="numeric"
          required
          value={form.grace}
          aria-invalid={errors.grace ? "true" : undefined}
          aria-describedby={described("grace", `${id}-grace-help`)}
        />
        <span class="help" id={`${id}-grace-help`}>
          How long after the due time the monitor is late before it is down and alerts go out.
        </span>
        <FieldError id={`${id}-grace-error`} text={errors.grace} />
      </label>
    </>
  );
}

const TIMEZONES = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];

export function TimezoneList() {
  return (
    <datalist id="timezones">
      {TIMEZONES.map((zone) => <option key={zone} value={zone} />)}
    </datalist>
  );
}
