import { db } from "../db/client.ts";
import { readRows } from "../db/sql.ts";
import { channelFilterSql, postFilterSql } from "../policies/filter-sql.ts";
import type { PolicyFilter } from "../policies/policy-filter.ts";
import type { ChannelType, ExportChannel, MemberHistoryRow } from "./model.ts";

/**
 * Channels active in [start, end] — with a non-system post updated in it, or a join or leave in
 * it — and their member history during the window (§3.5). Channels and memberships, not posts,
 * are held in memory: their number does not grow with the export.
 */
export async function readWindowChannels(options: {
  start: number;
  end: number;
  scope?: PolicyFilter | null;
}): Promise<{
  channels: Map<string, ExportChannel>;
  memberHistory: Map<string, MemberHistoryRow[]>;
}> {
  const start = BigInt(options.start);
  const end = BigInt(options.end);
  let ids: string[];
  const scoped = await scopedWindowChannelIds(options);
  if (scoped) ids = scoped;
  else {
    // groupBy runs as SQL GROUP BY; Prisma's `distinct` would fetch every post of the window.
    const [postChannels, joinChannels, leaveChannels] = await Promise.all([
      db().post.groupBy({
        by: ["channelId"],
        where: { updateAt: { gte: start, lte: end }, NOT: { type: { startsWith: "system_" } } },
      }),
      db().channelMemberHistory.groupBy({
        by: ["channelId"],
        where: { joinTime: { gte: start, lte: end } },
      }),
      db().channelMemberHistory.groupBy({
        by: ["channelId"],
        where: { leaveTime: { gte: start, lte: end } },
      }),
    ]);
    ids = [
      ...new Set([...postChannels, ...joinChannels, ...leaveChannels].map((r) => r.channelId)),
    ].sort();
  }
  const channels = new Map<string, ExportChannel>();
  const memberHistory = new Map<string, MemberHistoryRow[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [rows, history] = await Promise.all([
      db().chatChannel.findMany({ where: { id: { in: chunk } } }),
      db().channelMemberHistory.findMany({
        where: {
          channelId: { in: chunk },
          joinTime: { lte: end },
          OR: [{ leaveTime: null }, { leaveTime: { gte: start } }],
        },
        orderBy: [{ channelId: "asc" }, { joinTime: "asc" }, { userId: "asc" }],
      }),
    ]);
    for (const c of rows)
      channels.set(c.id, {
        id: c.id,
        name: c.name,
        displayName: c.displayName,
        type: c.type as ChannelType,
        teamId: c.teamId,
      });
    const users = await db().chatUser.findMany({
      where: { id: { in: [...new Set(history.map((h) => h.userId))] } },
    });
    const userById = new Map(users.map((u) => [u.id, u]));
    for (const h of history) {
      const u = userById.get(h.userId);
      const list = memberHistory.get(h.channelId) ?? [];
      list.push({
        channelId: h.channelId,
        userId: h.userId,
        email: u?.email ?? "",
        username: u?.username ?? "",
        isBot: u?.isBot ?? false,
        userDeleteAt: Number(u?.deleteAt ?? 0),
        joinTime: Number(h.joinTime),
        leaveTime: h.leaveTime === null ? null : Number(h.leaveTime),
      });
      memberHistory.set(h.channelId, list);
    }
  }
  return { channels, memberHistory };
}

/**
 * The window's channels under a policy's filter, in SQL (lib/policies/filter-sql.ts): channels with
 * a selected post updated in the window, or a join or leave in it in a channel the filter keeps.
 * Null without a filter.
 */
async function scopedWindowChannelIds(options: {
  start: number;
  end: number;
  scope?: PolicyFilter | null;
}): Promise<string[] | null> {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const posts = postFilterSql(options.scope, param);
  const channels = channelFilterSql(options.scope, param, options);
  if (!posts && !channels) return null;
  const start = param(options.start);
  const end = param(options.end);
  const sql = `SELECT DISTINCT x."channelId" FROM (
    SELECT p."channelId" FROM "Post" p WHERE p."updateAt" >= ${start} AND p."updateAt" <= ${end} AND p."type" NOT LIKE 'system\\_%' ESCAPE '\\'${posts ? ` AND ${posts}` : ""}
    UNION SELECT h."channelId" FROM "ChannelMemberHistory" h JOIN "ChatChannel" c ON c."id" = h."channelId"
      WHERE ((h."joinTime" >= ${start} AND h."joinTime" <= ${end}) OR (h."leaveTime" >= ${start} AND h."leaveTime" <= ${end}))${channels ? ` AND ${channels}` : ""}
  ) x ORDER BY x."channelId"`;
  return (await readRows(sql, params)).map((r) => String(r.channelId)).sort();
}
