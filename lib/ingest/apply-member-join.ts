import type { Tx } from "../db/client.ts";
import type { MemberJoinedEvent } from "./schema.ts";

/** Opens a ChannelMemberHistory row. A replay, or a join while already a member, changes nothing. */
export async function applyMemberJoin(tx: Tx, event: MemberJoinedEvent): Promise<string | undefined> {
  const joinTime = BigInt(event.time);
  const key = { channelId: event.channel_id, userId: event.user_id };
  const rows = await tx.channelMemberHistory.findMany({ where: { ...key, OR: [{ joinTime }, { leaveTime: null }] } });
  if (rows.some((r) => r.joinTime === joinTime)) return undefined;
  const open = rows.find((r) => r.leaveTime === null);
  if (open) return `user ${event.user_id} is already a member of channel ${event.channel_id} since ${open.joinTime}; join at ${joinTime} ignored`;
  await tx.channelMemberHistory.create({ data: { ...key, joinTime, leaveTime: null } });
  return undefined;
}
