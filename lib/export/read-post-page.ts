import { db } from "../db/client.ts";
import type { ChannelType, ExportFileInfo, ExportPost } from "./model.ts";

export type Cursor = { updateAt: number; postId: string };

/**
 * Up to `limit` posts after the cursor, in (updateAt, id) order, up to `until` inclusive, without
 * system posts — Mattermost's MessageExport query (§1.5), with channel, team and author joined in.
 */
export async function readPostPage(options: { after: Cursor; until: number; limit: number }): Promise<ExportPost[]> {
  const { after, until, limit } = options;
  const rows = await db().post.findMany({
    where: {
      AND: [
        { OR: [{ updateAt: { gt: BigInt(after.updateAt) } }, { updateAt: BigInt(after.updateAt), id: { gt: after.postId } }] },
        { updateAt: { lte: BigInt(until) } },
        { NOT: { type: { startsWith: "system_" } } },
      ],
    },
    orderBy: [{ updateAt: "asc" }, { id: "asc" }],
    take: limit,
  });
  if (rows.length === 0) return [];
  const channelIds = [...new Set(rows.map((r) => r.channelId))];
  const userIds = [...new Set(rows.map((r) => r.userId))];
  const [channels, users] = await Promise.all([
    db().chatChannel.findMany({ where: { id: { in: channelIds } } }),
    db().chatUser.findMany({ where: { id: { in: userIds } } }),
  ]);
  const teamIds = [...new Set(channels.map((c) => c.teamId).filter(Boolean))];
  const teams = await db().chatTeam.findMany({ where: { id: { in: teamIds } } });
  const channelById = new Map(channels.map((c) => [c.id, c]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const teamById = new Map(teams.map((t) => [t.id, t]));

  return rows.map((r) => {
    const channel = channelById.get(r.channelId);
    const team = channel?.teamId ? teamById.get(channel.teamId) : undefined;
    const user = userById.get(r.userId);
    const props = parseProps(r.props);
    const type = (channel?.type ?? "") as ChannelType | "";
    return {
      id: r.id,
      createAt: Number(r.createAt),
      updateAt: Number(r.updateAt),
      deleteAt: Number(r.deleteAt),
      editAt: Number(r.editAt),
      message: r.message,
      type: r.type,
      props,
      originalId: r.originalId,
      rootId: r.rootId,
      fileIds: parseStringArray(r.fileIds),
      teamId: team?.id ?? "",
      teamName: team?.name ?? "",
      teamDisplayName: team?.displayName ?? "",
      channelId: r.channelId,
      channelName: channel?.name ?? "",
      channelDisplayName: type === "D" ? "Direct Message" : type === "G" ? "Group Message" : channel?.displayName ?? "",
      channelType: type,
      userId: r.userId,
      userEmail: user?.email ?? "",
      username: user?.username ?? "",
      isBot: "from_bot" in props ? props.from_bot === "true" : user?.isBot ?? false,
    };
  });
}

/** All file infos, deleted ones included, of posts that list file ids. */
export async function readFilesForPosts(posts: ExportPost[]): Promise<Map<string, ExportFileInfo[]>> {
  const ids = posts.filter((p) => p.fileIds.length > 0).map((p) => p.id);
  const out = new Map<string, ExportFileInfo[]>();
  if (ids.length === 0) return out;
  const rows = await db().fileInfo.findMany({ where: { postId: { in: ids } }, orderBy: [{ createAt: "asc" }, { id: "asc" }] });
  for (const f of rows) {
    const list = out.get(f.postId) ?? [];
    list.push({ id: f.id, postId: f.postId, name: f.name, path: f.path, size: Number(f.size), mimeType: f.mimeType, createAt: Number(f.createAt), deleteAt: Number(f.deleteAt), storeKey: f.storeKey });
    out.set(f.postId, list);
  }
  return out;
}

function parseProps(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseStringArray(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}
