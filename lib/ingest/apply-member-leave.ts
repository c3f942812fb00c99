import type { Tx } from "../db/client.ts";
import type { MemberLeftEvent } from "./schema.ts";

/** Closes the open ChannelMemberHistory row(s), as Mattermost's LogLeaveEvent does. */
export async function applyMemberLeave(tx: Tx, event: MemberLeftEvent): Promise<string | undefined> {
  const leaveTime = BigInt(event.time);
  const key = { channelId: event.channel_id, userId: event.user_id };
  const { count } = await tx.channelMemberHistory.updateMany({
    where: { ...key, leaveTime: null, joinTime: { lte: leaveTime } },
    data: { leaveTime },
  });
  if (count > 0) return undefined;
  const replay = await tx.channelMemberHistory.findFirst({ where: { ...key, leaveTime } });
  if (replay) return undefined;
  return `user ${event.user_id} has no open membership of channel ${event.channel_id} at ${leaveTime}; leave ignored`;
}
