import { createReadStream } from "node:fs";
import type { WriteSql } from "../db/write-connection.ts";
import { applyMemberJoin } from "./apply-member-join.ts";
import { applyMemberLeave } from "./apply-member-leave.ts";
import { applyPostDelete } from "./apply-post-delete.ts";
import { applyPostEdit, postVersionId } from "./apply-post-edit.ts";
import { findStoredFile, writeFileBytes } from "./file-store.ts";
import {
  channelRow,
  fileInfoRow,
  memberHistoryRow,
  postRow,
  teamRow,
  userRow,
} from "./record-rows.ts";
import type { FileInfoRecord } from "./schema.ts";
import { ConcurrentChangeError, type IngestWarning, type ValidRecord } from "./types.ts";
import { writeAttestation } from "./attestations/write-attestation.ts";
import { decidePostWrite } from "./write/decide-post-write.ts";
import { writePostsSetBased } from "./write/staged-posts.ts";
import {
  CHANNEL,
  FILE_INFO,
  insertRows,
  keyOf,
  MEMBER_HISTORY,
  POST,
  sameRow,
  selectByKeys,
  TEAM,
  updateRows,
  USER,
  type Row,
  type TableSpec,
} from "./write/row-tables.ts";

export type RecordWriter = {
  write(valid: ValidRecord): Promise<void>;
  /** Writes what is still buffered; call once, before the transaction commits. */
  finish(): Promise<void>;
};

type Buffered<R> = Map<string, { index: number; row: R }>;
type StoreLink = { storeKey: string; sha256: string };

const FLUSH_AT = 1000;

/**
 * Writes validated records, in order, inside the caller's transaction (on the ingest connection).
 * Plain records are buffered and written a chunk at a time: the stored rows of a chunk are read in
 * one go, and only rows that change are written (an unchanged row is not written at all — every
 * write is a new version in the change feed, exported again). A stored row with a later update_at
 * is kept, so a replayed batch cannot undo the edits and deletions applied after it; a post whose
 * text changes keeps its earlier text as a version (write/decide-post-write.ts). Events (edits,
 * deletions, joins, leaves) first write the buffered rows they depend on. A record that cannot apply
 * throws RecordApplyError, which rolls the whole transaction back.
 */
export function createRecordWriter(sql: WriteSql, warnings: IngestWarning[]): RecordWriter {
  const teams: Buffered<Row> = new Map();
  const channels: Buffered<Row> = new Map();
  const users: Buffered<Row> = new Map();
  const posts: Buffered<Row> = new Map();
  const files: Buffered<{
    record: FileInfoRecord;
    stored?: StoreLink;
    sidecar?: StoreLink | null;
  }> = new Map();
  const histories: Buffered<Row> = new Map();
  const buffers = { teams, channels, users, posts, files, histories };
  let buffered = 0;

  const warn = (index: number, message: string | undefined) => {
    if (message) warnings.push({ index, message });
  };

  type Target = keyof typeof buffers;
  const ALL: Target[] = ["teams", "channels", "users", "posts", "files", "histories"];

  /** Writes the named buffers (an event needs only the tables it reads, so batches stay large). */
  async function flush(targets: Target[] = ALL): Promise<void> {
    if (buffered === 0) return;
    for (const target of targets) {
      if (buffers[target].size === 0) continue;
      if (target === "teams") await replaceRows(sql, TEAM, "team", teams, warnings);
      if (target === "channels") await replaceRows(sql, CHANNEL, "channel", channels, warnings);
      if (target === "users") await replaceRows(sql, USER, "user", users, warnings);
      if (target === "posts") await writePosts(sql, posts, warnings);
      if (target === "files")
        await replaceRows(sql, FILE_INFO, "file_info", await fileRows(sql, files), warnings);
      if (target === "histories") await writeHistories(sql, histories);
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
      case "post_created": {
        const row = postRow(record.type === "post" ? record.post : record.post_created.post);
        // A second text for the same post in one batch: the first is stored first, so it is kept as a version.
        const earlier = posts.get(row.id);
        if (earlier && earlier.row.message !== row.message) await flush(["posts"]);
        bufferNewest(posts, row.id, { index, row });
        break;
      }
      case "channel_member_history": {
        const row = memberHistoryRow(record.channel_member_history);
        histories.set(keyOf(MEMBER_HISTORY, row), { index, row });
        break;
      }
      case "file_info": {
        const stored =
          valid.stored ??
          (valid.sourceFile
            ? await writeFileBytes({
                fileId: record.file_info.id,
                source: createReadStream(valid.sourceFile),
              })
            : undefined);
        const earlier = files.get(record.file_info.id);
        if (!earlier || earlier.row.record.update_at <= record.file_info.update_at)
          files.set(record.file_info.id, {
            index,
            row: { record: record.file_info, stored, sidecar: valid.sidecar },
          });
        break;
      }
      // Events read and change rows directly; buffered rows they depend on are written first.
      case "post_edited": {
        const event = record.post_edited;
        if (posts.has(event.post_id) || posts.has(postVersionId(event))) await flush(["posts"]);
        warn(index, await applyPostEdit(sql, { index, event }));
        return;
      }
      case "post_deleted": {
        const postId = record.post_deleted.post_id;
        if ([...posts.values()].some(({ row }) => row.id === postId || row.rootId === postId))
          await flush(["posts"]);
        await flush(["files"]);
        warn(index, await applyPostDelete(sql, { index, event: record.post_deleted }));
        return;
      }
      case "attestation":
        await writeAttestation(sql, record.attestation);
        return;
      case "member_joined":
      case "member_left": {
        const event = record.type === "member_joined" ? record.member_joined : record.member_left;
        if (
          [...histories.values()].some(
            ({ row }) => row.channelId === event.channel_id && row.userId === event.user_id,
          )
        )
          await flush(["histories"]);
        warn(
          index,
          record.type === "member_joined"
            ? await applyMemberJoin(sql, record.member_joined)
            : await applyMemberLeave(sql, record.member_left),
        );
        return;
      }
    }
    buffered = teams.size + channels.size + users.size + posts.size + files.size + histories.size;
    if (buffered >= FLUSH_AT) await flush();
  }

  return { write, finish: () => flush() };
}

/** Within a batch too, the newest update_at wins; on a tie, the later record. */
function bufferNewest(rows: Buffered<Row>, id: string, item: { index: number; row: Row }): void {
  const buffered = rows.get(id);
  if (buffered && (buffered.row.updateAt as number) > (item.row.updateAt as number)) return;
  rows.set(id, item);
}

/** Inserts new rows and updates changed ones; rows identical to the stored ones are not written. */
async function replaceRows(
  sql: WriteSql,
  spec: TableSpec,
  name: string,
  rows: Buffered<Row>,
  warnings: IngestWarning[],
): Promise<void> {
  const items = [...rows.values()];
  const stored = await selectByKeys(
    sql,
    spec,
    items.map(({ row }) => [row.id as string]),
  );
  const inserts: Row[] = [];
  const updates: Array<{ row: Row; guard: number }> = [];
  for (const { index, row } of items) {
    const current = stored.get(row.id as string);
    if (!current) inserts.push(row);
    else if (sameRow(current, row)) continue;
    else if ((current.updateAt as number) > (row.updateAt as number))
      warnings.push({
        index,
        message: `${name} ${row.id}: kept the stored row, which is newer (update_at ${current.updateAt} > ${row.updateAt})`,
      });
    else updates.push({ row, guard: current.updateAt as number });
  }
  await insertRows(sql, spec, inserts);
  // The update_at guard is checked again by the UPDATE itself: a row another batch made newer in the
  // meantime is not overwritten, and the batch runs again.
  if ((await updateRows(sql, spec, updates)) !== updates.length)
    throw new ConcurrentChangeError(`a ${name} changed while this batch was written`);
}

async function writePosts(
  sql: WriteSql,
  rows: Buffered<Row>,
  warnings: IngestWarning[],
): Promise<void> {
  const items = [...rows.values()];
  const stored = await selectByKeys(
    sql,
    POST,
    items.map(({ row }) => [row.id as string]),
  );
  const inserts: Row[] = [];
  const versions: Row[] = [];
  const updates: Array<{ row: Row; guard: number }> = [];
  for (const { index, row } of items) {
    const decision = decidePostWrite(stored.get(row.id as string), row);
    if (decision.kind === "insert") inserts.push(decision.row);
    else if (decision.kind === "stored-is-newer")
      warnings.push({
        index,
        message: `post ${row.id}: kept the stored row, which is newer (update_at ${decision.storedUpdateAt} > ${row.updateAt})`,
      });
    else if (decision.kind === "update") {
      updates.push({ row: decision.row, guard: decision.guard });
      if (decision.version) versions.push(decision.version);
    }
  }
  // A version kept before (the same post, time and text) is not written again.
  const keptBefore = await selectByKeys(
    sql,
    POST,
    versions.map((v) => [v.id as string]),
  );
  const toInsert = [...versions.filter((v) => !keptBefore.has(v.id as string)), ...inserts];
  if (sql.dialect === "sqlite") return writePostsSetBased(sql, { inserts: toInsert, updates });
  await insertRows(sql, POST, toInsert);
  if ((await updateRows(sql, POST, updates)) !== updates.length)
    throw new ConcurrentChangeError("a post changed while this batch was written");
}

/** Member history rows by (channel, user, join time): a leave, once recorded, is only replaced by another leave. */
async function writeHistories(sql: WriteSql, rows: Buffered<Row>): Promise<void> {
  const items = [...rows.values()];
  const stored = await selectByKeys(
    sql,
    MEMBER_HISTORY,
    items.map(({ row }) => [row.channelId as string, row.userId as string, row.joinTime as number]),
  );
  const inserts: Row[] = [];
  for (const { row } of items) {
    const current = stored.get(keyOf(MEMBER_HISTORY, row));
    if (!current) inserts.push(row);
    else if (row.leaveTime !== null && current.leaveTime !== row.leaveTime)
      await sql.run(
        `UPDATE "ChannelMemberHistory" SET "leaveTime" = $1 WHERE "channelId" = $2 AND "userId" = $3 AND "joinTime" = $4`,
        [row.leaveTime, row.channelId, row.userId, row.joinTime],
      );
  }
  await insertRows(sql, MEMBER_HISTORY, inserts);
}

/**
 * FileInfo rows keep the bytes they are linked to: new bytes from the files directory win, then
 * the row's current link, then bytes uploaded earlier under the same id (file-store.ts).
 */
async function fileRows(
  sql: WriteSql,
  files: Buffered<{ record: FileInfoRecord; stored?: StoreLink; sidecar?: StoreLink | null }>,
): Promise<Buffered<Row>> {
  const rows: Buffered<Row> = new Map();
  const unlinked = [...files.values()].filter((f) => !f.row.stored).map((f) => [f.row.record.id]);
  const current = await selectByKeys(sql, FILE_INFO, unlinked);
  for (const { index, row: file } of files.values()) {
    const id = file.record.id;
    const linked = current.get(id);
    const link = file.stored ??
      (linked && linked.storeKey !== ""
        ? { storeKey: linked.storeKey as string, sha256: linked.sha256 as string }
        : undefined) ??
      (file.sidecar === undefined ? await findStoredFile(id) : file.sidecar) ?? {
        storeKey: "",
        sha256: "",
      };
    rows.set(id, {
      index,
      row: fileInfoRow(file.record, { storeKey: link.storeKey, sha256: link.sha256 }),
    });
  }
  return rows;
}
