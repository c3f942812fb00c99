import { db } from "../db/client.ts";
import { readRowArrays, readRows } from "../db/sql.ts";
import { postFilterSql } from "../policies/filter-sql.ts";
import type { PolicyFilter } from "../policies/policy-filter.ts";
import type { ChannelType, ExportFileInfo, ExportPost } from "./model.ts";

export type Cursor = { updateAt: number; postId: string };

// The page's columns, in SELECT order: rows come back as arrays (no object per row), read by position.
const COLUMNS = [
  ["id", 'p."id"'],
  ["createAt", 'p."createAt"'],
  ["updateAt", 'p."updateAt"'],
  ["deleteAt", 'p."deleteAt"'],
  ["editAt", 'p."editAt"'],
  ["message", 'p."message"'],
  ["type", 'p."type"'],
  ["props", 'p."props"'],
  ["originalId", 'p."originalId"'],
  ["rootId", 'p."rootId"'],
  ["fileIds", 'p."fileIds"'],
  ["channelId", 'p."channelId"'],
  ["userId", 'p."userId"'],
  ["seq", 'p."seq"'],
  ["createSeq", 'p."createSeq"'],
  ["liveSeq", 'p."liveSeq"'],
  ["liveUpdateAt", 'p."liveUpdateAt"'],
  ["readSeq", '(SELECT f."value" FROM "FeedSequence" f WHERE f."id" = 1)'],
  ["teamId", 't."id"'],
  ["teamName", 't."name"'],
  ["teamDisplayName", 't."displayName"'],
  ["channelName", 'c."name"'],
  ["channelDisplayName", 'c."displayName"'],
  ["channelType", 'c."type"'],
  ["userEmail", 'u."email"'],
  ["username", 'u."username"'],
  ["userIsBot", 'u."isBot"'],
] as const;
type Column = (typeof COLUMNS)[number][0];
const col = Object.fromEntries(COLUMNS.map(([name], i) => [name, i])) as Record<Column, number>;
type Row = unknown[];

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
  return op === ">"
    ? `(p."updateAt" >= ${t} AND (p."updateAt" > ${t} OR p."id" > ${id}))`
    : `(p."updateAt" <= ${t} AND (p."updateAt" < ${t} OR p."id" <= ${id}))`;
}

/** The WHERE clause of a selection (no keyset), with its parameters numbered from `params.length + 1`. */
export function selectionSql(selection: PageSelection, params: unknown[]): string {
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`p."type" NOT LIKE 'system\\_%' ESCAPE '\\'`];
  if (selection.kind === "feed") {
    where.push(
      `p."seq" > ${param(selection.feedFrom)}`,
      `p."seq" <= ${param(selection.feedTo)}`,
      `p."updateAt" >= ${param(selection.exportFrom)}`,
    );
    for (const r of selection.regions)
      where.push(`NOT (p."seq" <= ${param(r.seqTo)} AND ${keyCondition("<=", r.keyTo, param)})`);
    where.push(
      selection.phase === "late"
        ? keyCondition("<=", selection.frontier, param)
        : keyCondition(">", selection.frontier, param),
    );
  } else if (selection.kind === "posts") {
    where.push(
      `p."seq" <= ${param(selection.feedTo)}`,
      `p."id" IN (${selection.postIds.map((id) => param(id)).join(", ")})`,
    );
  } else {
    where.push(`p."seq" <= ${param(selection.feedTo)}`);
    if (selection.select === "changed")
      where.push(
        `p."updateAt" >= ${param(selection.start)}`,
        `p."updateAt" <= ${param(selection.end)}`,
      );
    else
      where.push(
        `p."createAt" >= ${param(selection.start)}`,
        `p."createAt" <= ${param(selection.end)}`,
      );
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
export async function readPostPage(options: {
  selection: PageSelection;
  after: Cursor;
  limit: number;
}): Promise<{ posts: ExportPost[]; readSeq: number }> {
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
  const rows = await readRowArrays(sql, params);
  return {
    posts: rows.map(toExportPost),
    readSeq: rows.length > 0 ? Number(rows[0]![col.readSeq]) : 0,
  };
}

/** How many posts the selection holds (a progress bar's 100 %), and the oldest update time among them. */
export async function summarizeSelection(
  selection: PageSelection,
): Promise<{ count: number; oldest: number | null }> {
  const params: unknown[] = [];
  const rows = await readRows(
    `SELECT COUNT(*) AS "n", MIN(p."updateAt") AS "oldest" FROM "Post" p WHERE ${selectionSql(selection, params)}`,
    params,
  );
  const r = rows[0] as { n: number | string; oldest: number | string | null };
  return { count: Number(r.n), oldest: r.oldest === null ? null : Number(r.oldest) };
}

const POST_PAGE_SELECT = `
  SELECT ${COLUMNS.map(([name, expr]) => `${expr} AS "${name}"`).join(", ")}
  FROM "Post" p
  LEFT JOIN "ChatChannel" c ON c."id" = p."channelId"
  LEFT JOIN "ChatTeam" t ON t."id" = c."teamId"
  LEFT JOIN "ChatUser" u ON u."id" = p."userId"`;

function toExportPost(r: Row): ExportPost {
  const props = parseProps(r[col.props] as string);
  const type = ((r[col.channelType] as string | null) ?? "") as ChannelType | "";
  const str = (c: number) => (r[c] as string | null) ?? "";
  return {
    id: r[col.id] as string,
    createAt: Number(r[col.createAt]),
    updateAt: Number(r[col.updateAt]),
    deleteAt: Number(r[col.deleteAt]),
    editAt: Number(r[col.editAt]),
    message: r[col.message] as string,
    type: r[col.type] as string,
    props,
    originalId: r[col.originalId] as string,
    rootId: r[col.rootId] as string,
    fileIds: parseStringArray(r[col.fileIds] as string),
    teamId: str(col.teamId),
    teamName: str(col.teamName),
    teamDisplayName: str(col.teamDisplayName),
    channelId: r[col.channelId] as string,
    channelName: str(col.channelName),
    channelDisplayName:
      type === "D"
        ? "Direct Message"
        : type === "G"
          ? "Group Message"
          : str(col.channelDisplayName),
    channelType: type,
    userId: r[col.userId] as string,
    userEmail: str(col.userEmail),
    username: str(col.username),
    isBot: "from_bot" in props ? props.from_bot === "true" : Boolean(r[col.userIsBot]),
    feed: {
      seq: Number(r[col.seq]),
      createSeq: Number(r[col.createSeq]),
      liveSeq: Number(r[col.liveSeq]),
      liveUpdateAt: Number(r[col.liveUpdateAt]),
    },
  };
}

/** All file infos, deleted ones included, of posts that list file ids. */
export async function readFilesForPosts(
  posts: ExportPost[],
): Promise<Map<string, ExportFileInfo[]>> {
  const ids = posts.filter((p) => p.fileIds.length > 0).map((p) => p.id);
  const out = new Map<string, ExportFileInfo[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db().fileInfo.findMany({
      where: { postId: { in: ids.slice(i, i + 1000) } },
      orderBy: [{ createAt: "asc" }, { id: "asc" }],
    });
    for (const f of rows) {
      const list = out.get(f.postId) ?? [];
      list.push({
        id: f.id,
        postId: f.postId,
        name: f.name,
        path: f.path,
        size: Number(f.size),
        mimeType: f.mimeType,
        createAt: Number(f.createAt),
        deleteAt: Number(f.deleteAt),
        storeKey: f.storeKey,
        sha256: f.sha256,
      });
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
