import type { Kysely } from "kysely";
import type { Schema } from "./schema.ts";

/** A monitor's latest pings, newest first. */
export async function listPings(
  db: Kysely<Schema>,
  appId: string,
  monitorId: string,
  limit: number,
) {
  return await db.selectFrom("monitor_pings")
    .select([
      "n",
      "kind",
      "exit_status",
      "at",
      "source",
      "method",
      "remote_addr",
      "user_agent",
      "run_id",
      "body",
      "body_truncated",
    ])
    .where("app_id", "=", appId).where("monitor_id", "=", monitorId)
    .orderBy("n", "desc").limit(limit).execute();
}

/** A monitor's incidents, newest first. */
export async function listIncidents(
  db: Kysely<Schema>,
  appId: string,
  monitorId: string,
  limit: number,
) {
  return await db.selectFrom("incidents")
    .select(["id", "opened_at", "reason", "closed_at", "close_reason"])
    .where("app_id", "=", appId).where("monitor_id", "=", monitorId)
    .orderBy("id", "desc").limit(limit).execute();
}

/** A monitor's status changes, newest first. */
export async function listFlips(
  db: Kysely<Schema>,
  appId: string,
  monitorId: string,
  limit: number,
) {
  return await db.selectFrom("monitor_flips")
    .select(["id", "from_status", "to_status", "at", "reason", "incident_id", "alert"])
    .where("app_id", "=", appId).where("monitor_id", "=", monitorId)
    .orderBy("id", "desc").limit(limit).execute();
}

/** The runs of the app's monitor with this name, newest first. */
export async function listRunsByName(
  db: Kysely<Schema>,
  appId: string,
  name: string,
  limit: number,
) {
  return await db.selectFrom("monitor_runs as r")
    .innerJoin("monitors as m", "m.id", "r.monitor_id")
    .select([
      "m.name",
      "r.id",
      "r.client_id",
      "r.started_at",
      "r.finished_at",
      "r.duration_ms",
      "r.outcome",
    ])
    .where("r.app_id", "=", appId).where("m.app_id", "=", appId).where("m.name", "=", name)
    .orderBy("r.id", "desc").limit(limit).execute();
}
