import { createReadStream } from "node:fs";
import type { Tx } from "../db/client.ts";
import { applyMemberJoin } from "./apply-member-join.ts";
import { applyMemberLeave } from "./apply-member-leave.ts";
import { applyPostDelete } from "./apply-post-delete.ts";
import { applyPostEdit, postVersionId } from "./apply-post-edit.ts";
import { findStoredFile, writeFileBytes } from "./file-store.ts";
import { channelRow, fileInfoRow, memberHistoryRow, postRow, teamRow, userRow } from "./record-rows.ts";
import type { FileInfoRecord } from "./schema.ts";
import type { IngestWarning, ValidRecord } from "./types.ts";

export type RecordWriter = {
  write(valid: ValidRecord): Promise<void>;
  /** Writes what is still buffered; call once, before the transaction commits. */
  finish(): Promise<void>;
};

type Buffered<Row> = Map<string, { index: number; row: Row }>;
// Minimal shape of a Prisma model delegate, enough to replace rows by id.
type Replaceable = {
  findMany(args: { where: { id: { in: string[] } } }): Promise<Array<Record<string, unknown> & { id: string; updateAt: bigint }>>;
  deleteMany(args: { where: { OR: Array<{ id: string; updateAt: { lte: bigint } }> } }): Promise<unknown>;
  createMany(args: { data: unknown[] }): Promise<unknown>;
};
type Row = { id: string; updateAt: bigint };

// Well under SQLite's 32,766 bound variables and PostgreSQL's 65,535 per statement.
const ROWS_PER_STATEMENT = 500;
const FLUSH_AT = 1000;

/**
 * Writes validated records, in order, inside the caller's transaction. Plain records replace the
 * row with their id (buffered: delete + createMany) unless the stored row has a later update_at,
 * so a replayed batch cannot undo the edits and deletions applied after it. Events (edits,
 * deletions, joins, leaves) first write the buffered rows they depend on, so they see every record
 * sent before them. A record that cannot apply throws RecordApplyError, which rolls the whole
 * transaction back.
 */
export function createRecordWriter(tx: Tx, warnings: IngestWarning[]): RecordWriter {
  const teams: Buffered<ReturnType<typeof teamRow>> = new Map();
  const channels: Buffered<ReturnType<typeof channelRow>> = new Map();
  const users: Buffered<ReturnType<typeof userRow>> = new Map();
  const posts: Buffered<ReturnType<typeof postRow>> = new Map();
  const files: Buffered<{ record: FileInfoRecord; stored?: { storeKey: string; sha256: string } }> = new Map();
  const histories: Buffered<ReturnType<typeof memberHistoryRow>> = new Map();
  const buffers = { teams, channels, users, posts, files, histories };
  const replace = (name: string, delegate: unknown, rows: Buffered<Row>) =>
    replaceRows({ name, delegate: delegate as Replaceable, rows, warnings });
  /** Rows held in the buffers. */
  let buffered = 0;

  const warn = (index: number, message: string | undefined) => {
    if (message) warnings.push({ index, message });
  };

  type Target = "teams" | "channels" | "users" | "posts" | "files" | "histories";
  const ALL: Target[] = ["teams", "channels", "users", "posts", "files", "histories"];

  /** Writes the named buffers (an event needs only the tables it reads, so batches stay large). */
  async function flush(targets: Target[] = ALL): Promise<void> {
    if (buffered === 0) return;
    for (const target of targets) {
      if (target === "teams") await replace("team", tx.chatTeam, teams);
      if (target === "channels") await replace("channel", tx.chatChannel, channels);
      if (target === "users") await replace("user", tx.chatUser, users);
      if (target === "posts") await replace("post", tx.post, posts);
      if (target === "files") await replace("file_info", tx.fileInfo, await fileRows(tx, files));
      if (target === "histories") {
        for (const { row } of histories.values()) {
          const { channelId, userId, joinTime } = row;
          const stored = await tx.channelMemberHistory.findUnique({ where: { channelId_userId_joinTime: { channelId, userId, joinTime } } });
          if (stored && (stored.leaveTime === row.leaveTime || row.leaveTime === null)) continue;
          // A leave, once recorded, is only replaced by another leave: a replayed record cannot reopen it.
          await tx.channelMemberHistory.upsert({
            where: { channelId_userId_joinTime: { channelId, userId, joinTime } },
            create: row,
            update: row.leaveTime === null ? {} : { leaveTime: row.leaveTime },
          });
        }
      }
      buffered -= buffers[target].size;
      buffers[target].clear();
    }
  }

  async function write(valid: ValidRecord): Promise<void> {
    const { record, index } = valid;
    switch (record.type) {
      case "team":
        bufferNewest(teams, record.team.id, { index, row: teamRow(record.team) });
        break;
      case "channel":
        bufferNewest(channels, record.channel.id, { index, row: channelRow(record.channel) });
        break;
      case "user":
        bufferNewest(users, record.user.id, { index, row: userRow(record.user) });
        break;
      case "post":
        bufferNewest(posts, record.post.id, { index, row: postRow(record.post) });
        break;
      case "post_created":
        bufferNewest(posts, record.post_created.post.id, { index, row: postRow(record.post_created.post) });
        break;
      case "channel_member_history": {
        const row = memberHistoryRow(record.channel_member_history);
        histories.set(JSON.stringify([row.channelId, row.userId, String(row.joinTime)]), { index, row });
        break;
      }
      case "file_info": {
        const stored = valid.sourceFile
          ? await writeFileBytes({ fileId: record.file_info.id, source: createReadStream(valid.sourceFile) })
          : undefined;
        const earlier = files.get(record.file_info.id);
        if (!earlier || earlier.row.record.update_at <= record.file_info.update_at)
          files.set(record.file_info.id, { index, row: { record: record.file_info, stored } });
        break;
      }
      // Events read and change rows directly; buffered rows they depend on are written first.
      case "post_edited": {
        const event = record.post_edited;
        if (posts.has(event.post_id) || posts.has(postVersionId(event))) await flush(["posts"]);
        warn(index, await applyPostEdit(tx, { index, event }));
        return;
      }
      case "post_deleted": {
        const postId = record.post_deleted.post_id;
        if ([...posts.values()].some(({ row }) => row.id === postId || row.rootId === postId)) await flush(["posts"]);
        await flush(["files"]);
        warn(index, await applyPostDelete(tx, { index, event: record.post_deleted }));
        return;
      }
      case "member_joined":
      case "member_left": {
        const event = record.type === "member_joined" ? record.member_joined : record.member_left;
        if ([...histories.values()].some(({ row }) => row.channelId === event.channel_id && row.userId === event.user_id))
          await flush(["histories"]);
        const apply = record.type === "member_joined" ? applyMemberJoin : applyMemberLeave;
        warn(index, await apply(tx, event));
        return;
      }
    }
    buffered = teams.size + channels.size + users.size + posts.size + files.size + histories.size;
    if (buffered >= FLUSH_AT) await flush();
  }

  return { write, finish: () => flush() };
}

/** Within a batch too, the newest update_at wins; on a tie, the later record. */
function bufferNewest<R extends Row>(rows: Buffered<R>, id: string, item: { index: number; row: R }): void {
  const buffered = rows.get(id);
  if (buffered && buffered.row.updateAt > item.row.updateAt) return;
  rows.set(id, item);
}

async function replaceRows(options: { name: string; delegate: Replaceable; rows: Buffered<Row>; warnings: IngestWarning[] }) {
  const { name, delegate, rows, warnings } = options;
  if (rows.size === 0) return;
  const ids = [...rows.keys()];
  const data: Row[] = [];
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
    const chunk = ids.slice(i, i + ROWS_PER_STATEMENT);
    const stored = await delegate.findMany({ where: { id: { in: chunk } } });
    const storedById = new Map(stored.map((s) => [s.id, s]));
    const replaced: Array<{ id: string; updateAt: { lte: bigint } }> = [];
    for (const id of chunk) {
      const { index, row } = rows.get(id)!;
      const storedRow = storedById.get(id);
      const current = storedRow?.updateAt;
      // A replay of what is stored writes nothing: every write is a new version in the change feed.
      if (storedRow && sameRow(storedRow, row)) continue;
      if (current !== undefined && current > row.updateAt) {
        warnings.push({ index, message: `${name} ${id}: kept the stored row, which is newer (update_at ${current} > ${row.updateAt})` });
        continue;
      }
      if (current !== undefined) replaced.push({ id, updateAt: { lte: row.updateAt } });
      data.push(row);
    }
    // The update_at condition is checked again by the DELETE itself: a row another batch made newer
    // in the meantime is not deleted, the insert below then hits its id, and the batch runs again.
    if (replaced.length > 0) await delegate.deleteMany({ where: { OR: replaced } });
  }
  for (let i = 0; i < data.length; i += ROWS_PER_STATEMENT) {
    await delegate.createMany({ data: data.slice(i, i + ROWS_PER_STATEMENT) });
  }
}

/** Whether a stored row already holds every value of the new one. */
function sameRow(stored: Record<string, unknown>, row: Record<string, unknown>): boolean {
  return Object.entries(row).every(([key, value]) => stored[key] === value);
}

/**
 * FileInfo rows keep the bytes they are linked to: new bytes from the files directory win, then
 * the row's current link, then bytes uploaded earlier under the same id (file-store.ts).
 */
async function fileRows(
  tx: Tx,
  files: Buffered<{ record: FileInfoRecord; stored?: { storeKey: string; sha256: string } }>,
): Promise<Buffered<ReturnType<typeof fileInfoRow>>> {
  const rows: Buffered<ReturnType<typeof fileInfoRow>> = new Map();
  if (files.size === 0) return rows;
  const unlinked = [...files.values()].filter((f) => !f.row.stored).map((f) => f.row.record.id);
  const current = new Map<string, { storeKey: string; sha256: string }>();
  for (let i = 0; i < unlinked.length; i += ROWS_PER_STATEMENT) {
    const found = await tx.fileInfo.findMany({
      where: { id: { in: unlinked.slice(i, i + ROWS_PER_STATEMENT) }, storeKey: { not: "" } },
      select: { id: true, storeKey: true, sha256: true },
    });
    for (const f of found) current.set(f.id, { storeKey: f.storeKey, sha256: f.sha256 });
  }
  for (const { index, row: file } of files.values()) {
    const id = file.record.id;
    const link = file.stored ?? current.get(id) ?? (await findStoredFile(id)) ?? { storeKey: "", sha256: "" };
    rows.set(id, { index, row: fileInfoRow(file.record, { storeKey: link.storeKey, sha256: link.sha256 }) });
  }
  return rows;
}
