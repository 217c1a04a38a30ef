import { beaconChangeBody, limitOf } from "../../../../../../../lib/domain/beacon_input.ts";
import {
  deleteBeacon,
  DuplicateBeaconName,
  findBeacon,
  updateBeacon,
} from "../../../../../../../lib/store/beacons.ts";
import {
  beaconJson,
  beaconNameTaken,
  noSuchBeacon,
} from "../../../../../../../lib/web/beacon_view.ts";
import { json } from "../../../../../../../lib/web/http_error.ts";
import { jsonBody } from "../../../../../../../lib/web/input.ts";
import type { Handlers } from "../../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async GET(ctx) {
    const beacon = await findBeacon(ctx.services.db, ctx.params.app, ctx.params.beacon);
    if (!beacon) throw noSuchBeacon(ctx);
    return json(beaconJson(ctx, beacon));
  },

  /** Renames the beacon or changes its limit; both apply from its next hit, on every instance. */
  async PATCH(ctx) {
    const { params, services } = ctx;
    if (!(await findBeacon(services.db, params.app, params.beacon))) throw noSuchBeacon(ctx);
    const { name, limit } = await jsonBody(ctx, beaconChangeBody);
    let beacon;
    try {
      beacon = await updateBeacon(services.db, params.app, params.beacon, {
        name,
        limit: limitOf(limit),
      });
    } catch (error) {
      if (!(error instanceof DuplicateBeaconName) || name === undefined) throw error;
      throw beaconNameTaken(params.app, name);
    }
    if (!beacon) throw noSuchBeacon(ctx);
    // The cached token carries the old name and limit. Other instances drop theirs when the
    // update's trigger announces `beacon:<id>` on the token channel (migration 0005).
    services.beaconTokens.forget(beacon.id);
    return json(beaconJson(ctx, beacon));
  },

  async DELETE(ctx) {
    const { params, services } = ctx;
    if (!(await deleteBeacon(services.db, params.app, params.beacon))) throw noSuchBeacon(ctx);
    services.beaconTokens.forget(params.beacon);
    return new Response(null, { status: 204 });
  },
};
