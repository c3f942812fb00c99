import { db } from "../db/client.ts";
import { readRows } from "../db/sql.ts";
import type { ChannelType, ExportFileInfo, ExportPost } from "./model.ts";

export type Cursor = { updateAt: number; postId: string };

type Row = {
  id: string;
  createAt: number | string;
  updateAt: number | string;
  deleteAt: number | string;
  editAt: number | string;
  message: string;
  type: string;
  props: string;
  originalId: string;
  rootId: string;
  fileIds: string;
  teamId: string | null;
  teamName: string | null;
  teamDisplayName: string | null;
  channelId: string;
  channelName: string | null;
  channelDisplayName: string | null;
  channelType: string | null;
  userId: string;
  userEmail: string | null;
  username: string | null;
  userIsBot: boolean | number | null;
};

/**
 * Up to `limit` posts after the cursor, in (updateAt, id) order, up to `until` inclusive, without
 * system posts — Mattermost's MessageExport query (§1.5), channel, team and author joined in.
 * One SQL statement that reads the same on SQLite and PostgreSQL; this is the export's hot path.
 * The keyset is written as `updateAt >= t AND (updateAt > t OR id > id0)` so both databases walk the
 * (updateAt, id) index from the cursor; the plain OR form makes SQLite scan from the start each page.
 */
export async function readPostPage(options: { after: Cursor; until: number; limit: number }): Promise<ExportPost[]> {
  const rows = (await readRows(POST_PAGE_SQL, [options.after.updateAt, options.after.postId, options.until, options.limit])) as Row[];
  return rows.map(toExportPost);
}

const POST_PAGE_SQL = `
  SELECT p."id", p."createAt", p."updateAt", p."deleteAt", p."editAt", p."message", p."type", p."props",
         p."originalId", p."rootId", p."fileIds", p."channelId", p."userId",
         t."id" AS "teamId", t."name" AS "teamName", t."displayName" AS "teamDisplayName",
         c."name" AS "channelName", c."displayName" AS "channelDisplayName", c."type" AS "channelType",
         u."email" AS "userEmail", u."username" AS "username", u."isBot" AS "userIsBot"
  FROM "Post" p
  LEFT JOIN "ChatChannel" c ON c."id" = p."channelId"
  LEFT JOIN "ChatTeam" t ON t."id" = c."teamId"
  LEFT JOIN "ChatUser" u ON u."id" = p."userId"
  WHERE p."updateAt" >= $1 AND (p."updateAt" > $1 OR p."id" > $2)
    AND p."updateAt" <= $3
    AND p."type" NOT LIKE 'system\\_%' ESCAPE '\\'
  ORDER BY p."updateAt", p."id"
  LIMIT $4`;

function toExportPost(r: Row): ExportPost {
  const props = parseProps(r.props);
  const type = (r.channelType ?? "") as ChannelType | "";
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
    teamId: r.teamId ?? "",
    teamName: r.teamName ?? "",
    teamDisplayName: r.teamDisplayName ?? "",
    channelId: r.channelId,
    channelName: r.channelName ?? "",
    channelDisplayName: type === "D" ? "Direct Message" : type === "G" ? "Group Message" : r.channelDisplayName ?? "",
    channelType: type,
    userId: r.userId,
    userEmail: r.userEmail ?? "",
    username: r.username ?? "",
    isBot: "from_bot" in props ? props.from_bot === "true" : Boolean(r.userIsBot),
  };
}

/** All file infos, deleted ones included, of posts that list file ids. */
export async function readFilesForPosts(posts: ExportPost[]): Promise<Map<string, ExportFileInfo[]>> {
  const ids = posts.filter((p) => p.fileIds.length > 0).map((p) => p.id);
  const out = new Map<string, ExportFileInfo[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db().fileInfo.findMany({ where: { postId: { in: ids.slice(i, i + 1000) } }, orderBy: [{ createAt: "asc" }, { id: "asc" }] });
    for (const f of rows) {
      const list = out.get(f.postId) ?? [];
      list.push({ id: f.id, postId: f.postId, name: f.name, path: f.path, size: Number(f.size), mimeType: f.mimeType, createAt: Number(f.createAt), deleteAt: Number(f.deleteAt), storeKey: f.storeKey });
      out.set(f.postId, list);
    }
  }
  return out;
}

function parseProps(json: string): Record<string, unknown> {
  if (json === "{}" || json === "") return {};
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseStringArray(json: string): string[] {
  if (json === "[]" || json === "") return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** How many posts readPostPage would return from `after` up to `until` (the progress bar's 100 %). */
export async function countSelectedPosts(options: { after: Cursor; until: number }): Promise<number> {
  const { after, until } = options;
  return db().post.count({
    where: {
      AND: [
        { updateAt: { gte: BigInt(after.updateAt), lte: BigInt(until) } },
        { OR: [{ updateAt: { gt: BigInt(after.updateAt) } }, { id: { gt: after.postId } }] },
        { NOT: { type: { startsWith: "system_" } } },
      ],
    },
  });
}
