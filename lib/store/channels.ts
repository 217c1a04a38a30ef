import type { Kysely } from "kysely";
import type { Schema } from "./schema.ts";

export interface Channel {
  id: string;
  appId: string;
  kind: string;
  config: Record<string, unknown>;
  createdAt: Date;
}

const columns = ["id", "app_id", "kind", "config", "created_at"] as const;

function toChannel(row: {
  id: string;
  app_id: string;
  kind: string;
  config: Record<string, unknown> | string;
  created_at: Date;
}): Channel {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind,
    config: typeof row.config === "string" ? JSON.parse(row.config) : row.config,
    createdAt: row.created_at,
  };
}

export async function insertChannel(
  db: Kysely<Schema>,
  appId: string,
  channel: { id: string; kind: string; config: Record<string, unknown> },
): Promise<Channel> {
  const row = await db.insertInto("alert_channels")
    .values({
      id: channel.id,
      app_id: appId,
      kind: channel.kind,
      config: JSON.stringify(channel.config),
    })
    .returning(columns).executeTakeFirstOrThrow();
  return toChannel(row);
}

export async function listChannels(db: Kysely<Schema>, appId: string): Promise<Channel[]> {
  const rows = await db.selectFrom("alert_channels").select(columns)
    .where("app_id", "=", appId).orderBy("created_at").orderBy("id").execute();
  return rows.map(toChannel);
}

export async function deleteChannel(
  db: Kysely<Schema>,
  appId: string,
  channelId: string,
): Promise<boolean> {
  const result = await db.deleteFrom("alert_channels")
    .where("app_id", "=", appId).where("id", "=", channelId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
