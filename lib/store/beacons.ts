import type { Kysely, Updateable } from "kysely";
import { newId, newSecret, secretDigest } from "../domain/ids.ts";
import type { BeaconsTable, Schema } from "./schema.ts";

export interface BeaconLimit {
  count: number;
  windowS: number;
}

export interface Beacon {
  id: string;
  appId: string;
  name: string;
  /** The beacon's own limit; null: the configured default. */
  limit: BeaconLimit | null;
  createdAt: Date;
}

const columns = ["id", "app_id", "name", "limit_count", "limit_window_s", "created_at"] as const;

interface Row {
  id: string;
  app_id: string;
  name: string;
  limit_count: number | null;
  limit_window_s: number | null;
  created_at: Date;
}

function toBeacon(row: Row): Beacon {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    limit: row.limit_count === null || row.limit_window_s === null
      ? null
      : { count: row.limit_count, windowS: row.limit_window_s },
    createdAt: new Date(row.created_at),
  };
}

/** Thrown when the app already has a beacon of that name. */
export class DuplicateBeaconName extends Error {}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "23505";
}

/**
 * Creates a beacon with a new token and returns both; the token is shown this once (only its
 * digest is stored). Throws DuplicateBeaconName when the app has a beacon of that name.
 */
export async function createBeacon(
  db: Kysely<Schema>,
  appId: string,
  beacon: { name: string; limit: BeaconLimit | null },
): Promise<{ beacon: Beacon; token: string }> {
  const token = newSecret("beet");
  try {
    const row = await db.insertInto("beacons")
      .values({
        id: newId("bcn"),
        app_id: appId,
        name: beacon.name,
        token_digest: secretDigest(token),
        limit_count: beacon.limit?.count ?? null,
        limit_window_s: beacon.limit?.windowS ?? null,
      })
      .returning(columns)
      .executeTakeFirstOrThrow();
    return { beacon: toBeacon(row), token };
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateBeaconName(beacon.name);
    throw error;
  }
}

export async function listBeacons(db: Kysely<Schema>, appId: string): Promise<Beacon[]> {
  const rows = await db.selectFrom("beacons").select(columns).where("app_id", "=", appId)
    .orderBy("name").orderBy("id").execute();
  return rows.map(toBeacon);
}

export async function findBeacon(
  db: Kysely<Schema>,
  appId: string,
  beaconId: string,
): Promise<Beacon | undefined> {
  const row = await db.selectFrom("beacons").select(columns)
    .where("app_id", "=", appId).where("id", "=", beaconId).executeTakeFirst();
  return row && toBeacon(row);
}

/** The beacon a token digest belongs to (the ingestion path: no app is known yet). */
export async function findBeaconByTokenDigest(
  db: Kysely<Schema>,
  digest: string,
): Promise<Beacon | undefined> {
  const row = await db.selectFrom("beacons").select(columns).where("token_digest", "=", digest)
    .executeTakeFirst();
  return row && toBeacon(row);
}

/** Replaces the beacon's token digest; returns false when the app has no such beacon. */
export async function replaceBeaconTokenDigest(
  db: Kysely<Schema>,
  appId: string,
  beaconId: string,
  digest: string,
): Promise<boolean> {
  const result = await db.updateTable("beacons").set({ token_digest: digest })
    .where("app_id", "=", appId).where("id", "=", beaconId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What a change to a beacon sets; an absent field stays as it is, a null limit is the default. */
export interface BeaconChange {
  name?: string;
  limit?: BeaconLimit | null;
}

/**
 * Renames the beacon or changes its limit; returns it as it now is, undefined when the app
 * has no such beacon. Throws DuplicateBeaconName when the app has another beacon of the new
 * name. The caller evicts the beacon from the BeaconTokens cache, which holds both.
 */
export async function updateBeacon(
  db: Kysely<Schema>,
  appId: string,
  beaconId: string,
  change: BeaconChange,
): Promise<Beacon | undefined> {
  const values: Updateable<BeaconsTable> = {};
  if (change.name !== undefined) values.name = change.name;
  if (change.limit !== undefined) {
    values.limit_count = change.limit?.count ?? null;
    values.limit_window_s = change.limit?.windowS ?? null;
  }
  if (Object.keys(values).length === 0) return await findBeacon(db, appId, beaconId);
  try {
    const row = await db.updateTable("beacons").set(values)
      .where("app_id", "=", appId).where("id", "=", beaconId)
      .returning(columns).executeTakeFirst();
    return row && toBeacon(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateBeaconName(change.name);
    throw error;
  }
}

/** Deletes the beacon (its events stay); returns false when the app has no such beacon. */
export async function deleteBeacon(
  db: Kysely<Schema>,
  appId: string,
  beaconId: string,
): Promise<boolean> {
  const result = await db.deleteFrom("beacons")
    .where("app_id", "=", appId).where("id", "=", beaconId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Gives the beacon a new token and returns it; undefined when the app has no such beacon.
 * The caller evicts the old token from the BeaconTokens cache.
 */
export async function rotateBeaconToken(
  db: Kysely<Schema>,
  appId: string,
  beaconId: string,
): Promise<string | undefined> {
  const token = newSecret("beet");
  return await replaceBeaconTokenDigest(db, appId, beaconId, secretDigest(token))
    ? token
    : undefined;
}
