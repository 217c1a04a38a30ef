import { limitOf, newBeaconBody } from "../../../../../../lib/domain/beacon_input.ts";
import {
  createBeacon,
  DuplicateBeaconName,
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
    let created;
    try {
      created = await createBeacon(ctx.services.db, app.id, {
        name,
        limit: limitOf(limit) ?? null,
      });
    } catch (error) {
      if (!(error instanceof DuplicateBeaconName)) throw error;
      throw beaconNameTaken(app.id, name);
    }
    const { beacon, token } = created;
    return json({ ...beaconJson(ctx, beacon), token, url: beetUrl(ctx, token) }, 201);
  },

  async GET(ctx) {
    const app = await appFromParams(ctx);
    const beacons = await listBeacons(ctx.services.db, app.id);
    return json({ beacons: beacons.map((beacon) => beaconJson(ctx, beacon)) });
  },
};
