import { BeaconLimitFields } from "../../../../../../../components/BeaconLimitFields.tsx";
import { CsrfField } from "../../../../../../../components/CsrfField.tsx";
import { beaconChangeBody, limitOf } from "../../../../../../../lib/domain/beacon_input.ts";
import type { App } from "../../../../../../../lib/store/apps.ts";
import { type Beacon, updateBeacon } from "../../../../../../../lib/store/beacons.ts";
import {
  LIMIT_FORM_ERROR,
  type LimitFields,
  limitFieldsFor,
  limitFieldsOf,
  limitInputOf,
} from "../../../../../../../lib/web/beacon_forms.ts";
import { HttpError } from "../../../../../../../lib/web/http_error.ts";
import type { Handlers, PageProps, RouteContext } from "../../../../../../../lib/web/route.ts";
import { readForm, redirect } from "../../../../../../../lib/web/session.ts";
import { beaconOfPage } from "./rotate.tsx";

interface Data {
  app: App;
  beacon: Beacon;
  form: LimitFields;
  defaultLimit: { count: number; windowS: number };
  error?: string;
}

function render(ctx: RouteContext, data: Omit<Data, "defaultLimit">, status = 200) {
  const fallback = ctx.services.config.rateLimits.beacon;
  const defaultLimit = { count: fallback.limit, windowS: Math.ceil(fallback.windowMs / 1000) };
  return ctx.render({ ...data, defaultLimit } satisfies Data, {
    status,
    title: `Limit · ${data.beacon.name}`,
  });
}

export const handler: Handlers = {
  async GET(ctx) {
    const { app, beacon } = await beaconOfPage(ctx);
    return render(ctx, { app, beacon, form: limitFieldsFor(beacon.limit) });
  },
  /** Saves the beacon's own limit, or puts it back on the default when both fields are empty. */
  async POST(ctx) {
    const { app, beacon } = await beaconOfPage(ctx);
    const form = limitFieldsOf(await readForm(ctx));
    const parsed = beaconChangeBody.safeParse({ limit: limitInputOf(form) });
    if (!parsed.success) return render(ctx, { app, beacon, form, error: LIMIT_FORM_ERROR }, 422);
    const changed = await updateBeacon(ctx.services.db, app.id, beacon.id, {
      limit: limitOf(parsed.data.limit),
    });
    if (!changed) throw new HttpError(404, { error: "not_found", message: "The beacon is gone." });
    // The cached token carries the old limit (other instances hear of it by NOTIFY).
    ctx.services.beaconTokens.forget(beacon.id);
    return redirect(`/settings/apps/${encodeURIComponent(app.id)}?done=limit#beacons-heading`);
  },
};

export default function BeaconLimitPage({ data, state }: PageProps<Data>) {
  const { app, beacon, form, defaultLimit, error } = data;
  const back = `/settings/apps/${encodeURIComponent(app.id)}`;
  return (
    <section class="narrow">
      <p class="eyebrow">
        <a href="/settings">Settings</a> / <a href={back}>{app.name}</a>
      </p>
      <h1>Limit of beacon {beacon.name}</h1>
      <p class="muted">
        Now {beacon.limit
          ? `${beacon.limit.count} hits per ${beacon.limit.windowS} s`
          : `the default, ${defaultLimit.count} hits per ${defaultLimit.windowS} s`}. A new limit
        applies from the beacon's next hit; hits already counted in the window still count.
      </p>
      {error && <p class="notice error" role="alert">{error}</p>}
      <form method="post" class="stack">
        <CsrfField state={state} />
        <BeaconLimitFields
          count={form.count}
          window={form.window}
          invalid={Boolean(error)}
          help={`Leave both empty for the default: ${defaultLimit.count} hits per ${defaultLimit.windowS} s.`}
        />
        <div class="button-row">
          <button type="submit" class="button primary">Save limit</button>
          <a class="button quiet" href={back}>Cancel</a>
        </div>
      </form>
    </section>
  );
}
