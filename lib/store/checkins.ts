import { type Kysely, sql } from "kysely";
import type { CheckIn } from "../domain/checkins.ts";
import type { Schema } from "./schema.ts";

/**
 * Whether a check-in with a client id was already recorded for the app's monitor of that
 * name: a start whose run exists, or a finish whose run is finished. Retrying with the same
 * id is then answered as a success without storing it twice.
 */
export async function alreadyCheckedIn(
  db: Kysely<Schema>,
  appId: string,
  checkIn: CheckIn,
): Promise<boolean> {
  if (!checkIn.runId) return false;
  const { rows } = await sql<{ seen: boolean }>`
    select exists (
      select 1 from monitor_runs r join monitors m on m.id = r.monitor_id
      where m.app_id = ${appId} and m.name = ${checkIn.name} and r.client_id = ${checkIn.runId}
        and (${checkIn.kind === "start"} or r.finished_at is not null)
    ) as seen`.execute(db);
  return rows[0]?.seen === true;
}
