import { BeaconReveal } from "../../../../../../../components/BeaconReveal.tsx";
import { ConfirmByName } from "../../../../../../../components/ConfirmByName.tsx";
import type { App } from "../../../../../../../lib/store/apps.ts";
import {
  type Beacon,
  findBeacon,
  rotateBeaconToken,
} from "../../../../../../../lib/store/beacons.ts";
import { appFromParams } from "../../../../../../../lib/web/admin.ts";
import { beetUrl } from "../../../../../../../lib/web/beacon_view.ts";
import { HttpError } from "../../../../../../../lib/web/http_error.ts";
import type { Handlers, PageProps, RouteContext } from "../../../../../../../lib/web/route.ts";
import { readForm } from "../../../../../../../lib/web/session.ts";

interface Data {
  app: App;
  beacon: Beacon;
  rotated?: { token: string; url: string };
  error?: string;
}

/** The beacon of the URL, which must belong to the app of the URL. */
export async function beaconOfPage(ctx: RouteContext): Promise<{ app: App; beacon: Beacon }> {
  const app = await appFromParams(ctx);
  const beacon = await findBeacon(ctx.services.db, app.id, ctx.params.beacon);
  if (!beacon) {
    throw new HttpError(404, { error: "not_found", message: "No such beacon in this app." });
  }
  return { app, beacon };
}

export const handler: Handlers = {
  async GET(ctx) {
    const { app, beacon } = await beaconOfPage(ctx);
    return ctx.render({ app, beacon } satisfies Data, { title: `Rotate · ${beacon.name}` });
  },
  async POST(ctx) {
    const { app, beacon } = await beaconOfPage(ctx);
    const form = await readForm(ctx);
    if (form.get("confirm") !== beacon.name) {
      return ctx.render(
        { app, beacon, error: "Type the beacon's name exactly to confirm." } satisfies Data,
        { status: 422, title: `Rotate · ${beacon.name}` },
      );
    }
    const token = await rotateBeaconToken(ctx.services.db, app.id, beacon.id);
    if (!token) throw new HttpError(404, { error: "not_found", message: "The beacon is gone." });
    ctx.services.beaconTokens.forget(beacon.id);
    return ctx.render(
      { app, beacon, rotated: { token, url: beetUrl(ctx, token) } } satisfies Data,
      { title: `New token · ${beacon.name}` },
    );
  },
};

export default function RotateBeacon({ data, state }: PageProps<Data>) {
  const { app, beacon, rotated, error } = data;
  const back = `/settings/apps/${encodeURIComponent(app.id)}`;
  if (rotated) {
    return (
      <>
        <p class="eyebrow">
          <a href="/settings">Settings</a> / <a href={back}>{app.name}</a>
        </p>
        <BeaconReveal
          heading="New beacon token issued"
          beaconName={beacon.name}
          token={rotated.token}
          url={rotated.url}
        />
        <p>
          <a href={back}>Back to the beacons of {app.name}</a>
        </p>
      </>
    );
  }
  return (
    <section class="narrow">
      <p class="eyebrow">
        <a href="/settings">Settings</a> / <a href={back}>{app.name}</a>
      </p>
      <h1>Rotate the token of beacon {beacon.name}</h1>
      <div class="notice warning">
        <p>
          <strong>The current beacon URL stops working at once.</strong>{" "}
          Pages that still use it are answered as unknown until they have the new one.
        </p>
      </div>
      <ConfirmByName
        state={state}
        name={beacon.name}
        error={error}
        submitLabel="Rotate token"
        cancelHref={back}
      />
    </section>
  );
}
