import { db } from "../db/client.ts";
import { readRows } from "../db/sql.ts";
import { postFilterSql } from "../policies/filter-sql.ts";
import type { PolicyFilter } from "../policies/policy-filter.ts";
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
  seq: number | string;
  createSeq: number | string;
  liveSeq: number | string;
  liveUpdateAt: number | string;
  readSeq: number | string;
};

/** Which posts a page reads (besides the keyset position), as the plan states it; `scope` is the policy's filter. */
export type PageSelection = (
  | {
      kind: "feed";
      /** Rows stamped in (feedFrom, feedTo], minus what the regions say was exported, not before exportFrom. */
      feedFrom: number;
      feedTo: number;
      regions: ReadonlyArray<{ seqTo: number; keyTo: Cursor }>;
      exportFrom: number;
      /** late: up to the frontier (in its own batches, first); normal: after it. */
      phase: "late" | "normal";
      frontier: Cursor;
    }
  | { kind: "window"; select: "changed" | "created"; start: number; end: number; feedTo: number }
  | { kind: "posts"; postIds: readonly string[]; feedTo: number }
) & { scope?: PolicyFilter | null };

/** A key condition `(updateAt, id) <op> (t, id0)` written so both databases walk the (updateAt, id) index. */
function keyCondition(op: ">" | "<=", key: Cursor, param: (v: unknown) => string): string {
  const t = param(key.updateAt);
  const id = param(key.postId);
  return op === ">" ? `(p."updateAt" >= ${t} AND (p."updateAt" > ${t} OR p."id" > ${id}))` : `(p."updateAt" <= ${t} AND (p."updateAt" < ${t} OR p."id" <= ${id}))`;
}

/** The WHERE clause of a selection (no keyset), with its parameters numbered from `params.length + 1`. */
export function selectionSql(selection: PageSelection, params: unknown[]): string {
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`p."type" NOT LIKE 'system\\_%' ESCAPE '\\'`];
  if (selection.kind === "feed") {
    where.push(`p."seq" > ${param(selection.feedFrom)}`, `p."seq" <= ${param(selection.feedTo)}`, `p."updateAt" >= ${param(selection.exportFrom)}`);
    for (const r of selection.regions) where.push(`NOT (p."seq" <= ${param(r.seqTo)} AND ${keyCondition("<=", r.keyTo, param)})`);
    where.push(selection.phase === "late" ? keyCondition("<=", selection.frontier, param) : keyCondition(">", selection.frontier, param));
  } else if (selection.kind === "posts") {
    where.push(`p."seq" <= ${param(selection.feedTo)}`, `p."id" IN (${selection.postIds.map((id) => param(id)).join(", ")})`);
  } else {
    where.push(`p."seq" <= ${param(selection.feedTo)}`);
    if (selection.select === "changed") where.push(`p."updateAt" >= ${param(selection.start)}`, `p."updateAt" <= ${param(selection.end)}`);
    else where.push(`p."createAt" >= ${param(selection.start)}`, `p."createAt" <= ${param(selection.end)}`);
  }
  const scope = postFilterSql(selection.scope, param);
  if (scope) where.push(scope);
  return where.join(" AND ");
}

/**
 * Up to `limit` selected posts after the cursor, in (updateAt, id) order, without system posts —
 * Mattermost's MessageExport query (§1.5) with the change feed's selection, channel, team and author
 * joined in. One statement that reads the same on SQLite and PostgreSQL; the export's hot path.
 * `readSeq` is the feed counter in the same statement's snapshot: what this read could see.
 */
export async function readPostPage(options: { selection: PageSelection; after: Cursor; limit: number }): Promise<{ posts: ExportPost[]; readSeq: number }> {
  const params: unknown[] = [];
  const where = selectionSql(options.selection, params);
  params.push(options.after.updateAt, options.after.postId);
  const t = `$${params.length - 1}`;
  const id = `$${params.length}`;
  params.push(options.limit);
  const sql = `${POST_PAGE_SELECT}
  WHERE ${where} AND p."updateAt" >= ${t} AND (p."updateAt" > ${t} OR p."id" > ${id})
  ORDER BY p."updateAt", p."id"
  LIMIT $${params.length}`;
  const rows = (await readRows(sql, params)) as Row[];
  return { posts: rows.map(toExportPost), readSeq: rows.length > 0 ? Number(rows[0]!.readSeq) : 0 };
}

/** How many posts the selection holds (a progress bar's 100 %), and the oldest update time among them. */
export async function summarizeSelection(selection: PageSelection): Promise<{ count: number; oldest: number | null }> {
  const params: unknown[] = [];
  const rows = await readRows(`SELECT COUNT(*) AS "n", MIN(p."updateAt") AS "oldest" FROM "Post" p WHERE ${selectionSql(selection, params)}`, params);
  const r = rows[0] as { n: number | string; oldest: number | string | null };
  return { count: Number(r.n), oldest: r.oldest === null ? null : Number(r.oldest) };
}

const POST_PAGE_SELECT = `
  SELECT p."id", p."createAt", p."updateAt", p."deleteAt", p."editAt", p."message", p."type", p."props",
         p."originalId", p."rootId", p."fileIds", p."channelId", p."userId",
         p."seq", p."createSeq", p."liveSeq", p."liveUpdateAt",
         (SELECT f."value" FROM "FeedSequence" f WHERE f."id" = 1) AS "readSeq",
         t."id" AS "teamId", t."name" AS "teamName", t."displayName" AS "teamDisplayName",
         c."name" AS "channelName", c."displayName" AS "channelDisplayName", c."type" AS "channelType",
         u."email" AS "userEmail", u."username" AS "username", u."isBot" AS "userIsBot"
  FROM "Post" p
  LEFT JOIN "ChatChannel" c ON c."id" = p."channelId"
  LEFT JOIN "ChatTeam" t ON t."id" = c."teamId"
  LEFT JOIN "ChatUser" u ON u."id" = p."userId"`;

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
    feed: { seq: Number(r.seq), createSeq: Number(r.createSeq), liveSeq: Number(r.liveSeq), liveUpdateAt: Number(r.liveUpdateAt) },
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
      list.push({ id: f.id, postId: f.postId, name: f.name, path: f.path, size: Number(f.size), mimeType: f.mimeType, createAt: Number(f.createAt), deleteAt: Number(f.deleteAt), storeKey: f.storeKey, sha256: f.sha256 });
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
