import { deleteBeacon, findBeacon } from "../../../../../../../lib/store/beacons.ts";
import { beaconJson, noSuchBeacon } from "../../../../../../../lib/web/beacon_view.ts";
import { json } from "../../../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const beacon = await findBeacon(ctx.services.db, ctx.params.app, ctx.params.beacon);
    if (!beacon) throw noSuchBeacon(ctx);
    return json(beaconJson(ctx, beacon));
  },

  async DELETE(ctx) {
    const { params, services } = ctx;
    if (!(await deleteBeacon(services.db, params.app, params.beacon))) throw noSuchBeacon(ctx);
    services.beaconTokens.forget(params.beacon);
    return new Response(null, { status: 204 });
  },
};
