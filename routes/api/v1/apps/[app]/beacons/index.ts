import { newBeaconBody } from "../../../../../../lib/domain/beacon_input.ts";
import { newId, newSecret, secretDigest } from "../../../../../../lib/domain/ids.ts";
import {
  DuplicateBeaconName,
  insertBeacon,
  listBeacons,
} from "../../../../../../lib/store/beacons.ts";
import { appFromParams } from "../../../../../../lib/web/admin.ts";
import { beaconJson, beaconNameTaken, beetUrl } from "../../../../../../lib/web/beacon_view.ts";
import { json } from "../../../../../../lib/web/http_error.ts";
import { jsonBody } from "../../../../../../lib/web/input.ts";
import type { Handlers } from "../../../../../../lib/web/route.ts";

export const handler: Handlers = {
  async POST(ctx) {
    const app = await appFromParams(ctx);
    const { name, limit } = await jsonBody(ctx, newBeaconBody);
    const token = newSecret("beet");
    let beacon;
    try {
      beacon = await insertBeacon(ctx.services.db, app.id, {
        id: newId("bcn"),
        name,
        tokenDigest: await secretDigest(token),
        limit: limit ? { count: limit.count, windowS: limit.window_s } : null,
      });
    } catch (error) {
      if (!(error instanceof DuplicateBeaconName)) throw error;
      throw beaconNameTaken(app.id, name);
    }
    return json({ ...beaconJson(ctx, beacon), token, url: beetUrl(ctx, token) }, 201);
  },

  async GET(ctx) {
    const app = await appFromParams(ctx);
    const beacons = await listBeacons(ctx.services.db, app.id);
    return json({ beacons: beacons.map((beacon) => beaconJson(ctx, beacon)) });
  },
};
