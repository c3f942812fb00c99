import type { WriteSql } from "../db/write-connection.ts";
import type { MemberJoinedEvent } from "./schema.ts";

/** Opens a ChannelMemberHistory row. A replay, or a join while already a member, changes nothing. */
export async function applyMemberJoin(
  sql: WriteSql,
  event: MemberJoinedEvent,
): Promise<string | undefined> {
  const joinTime = event.time;
  const rows = await sql.all(
    `SELECT "joinTime", "leaveTime" FROM "ChannelMemberHistory" WHERE "channelId" = $1 AND "userId" = $2 AND ("joinTime" = $3 OR "leaveTime" IS NULL)`,
    [event.channel_id, event.user_id, joinTime],
  );
  if (rows.some((r) => r.joinTime === joinTime)) return undefined;
  const open = rows.find((r) => r.leaveTime === null);
  if (open)
    return `user ${event.user_id} is already a member of channel ${event.channel_id} since ${open.joinTime}; join at ${joinTime} ignored`;
  await sql.run(
    `INSERT INTO "ChannelMemberHistory" ("channelId", "userId", "joinTime", "leaveTime") VALUES ($1, $2, $3, NULL)`,
    [event.channel_id, event.user_id, joinTime],
  );
  return undefined;
}
