import type { WriteSql } from "../db/write-connection.ts";
import type { MemberLeftEvent } from "./schema.ts";

/** Closes the open ChannelMemberHistory row(s), as Mattermost's LogLeaveEvent does. */
export async function applyMemberLeave(
  sql: WriteSql,
  event: MemberLeftEvent,
): Promise<string | undefined> {
  const leaveTime = event.time;
  const key = [event.channel_id, event.user_id];
  const count = await sql.run(
    `UPDATE "ChannelMemberHistory" SET "leaveTime" = $3 WHERE "channelId" = $1 AND "userId" = $2 AND "leaveTime" IS NULL AND "joinTime" <= $3`,
    [...key, leaveTime],
  );
  if (count > 0) return undefined;
  const replay = await sql.all(
    `SELECT 1 FROM "ChannelMemberHistory" WHERE "channelId" = $1 AND "userId" = $2 AND "leaveTime" = $3 LIMIT 1`,
    [...key, leaveTime],
  );
  if (replay.length > 0) return undefined;
  return `user ${event.user_id} has no open membership of channel ${event.channel_id} at ${leaveTime}; leave ignored`;
}
