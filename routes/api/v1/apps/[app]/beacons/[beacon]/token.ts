import { newSecret, secretDigest } from "../../../../../../../lib/domain/ids.ts";
import { replaceBeaconTokenDigest } from "../../../../../../../lib/store/beacons.ts";
import { beetUrl, noSuchBeacon } from "../../../../../../../lib/web/beacon_view.ts";
import { json } from "../../../../../../../lib/web/http_error.ts";
import type { Handlers } from "../../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST(ctx) {
    const { params, services } = ctx;
    const token = newSecret("beet");
    const replaced = await replaceBeaconTokenDigest(
      services.db,
      params.app,
      params.beacon,
      await secretDigest(token),
    );
    if (!replaced) throw noSuchBeacon(ctx);
    services.beaconTokens.forget(params.beacon);
    return json({ token, url: beetUrl(ctx, token) });
  },
};
