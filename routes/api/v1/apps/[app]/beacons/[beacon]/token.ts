import { rotateBeaconToken } from "../../../../../../../lib/store/beacons.ts";
import { beetUrl, noSuchBeacon } from "../../../../../../../lib/web/beacon_view.ts";
import { json } from "../../../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST(ctx) {
    const { params, services } = ctx;
    const token = await rotateBeaconToken(services.db, params.app, params.beacon);
    if (!token) throw noSuchBeacon(ctx);
    services.beaconTokens.forget(params.beacon);
    return json({ token, url: beetUrl(ctx, token) });
  },
};
