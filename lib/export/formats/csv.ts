// Mattermost-compatible CSV batch (EXPORT-FORMATS.md §2.3, §2.4, §4; csv_export.go @8d082f23).
// Zip entries, in order: posts.csv, files/<postId>/<fileId>-<base(path)> per attachment (only when
// exporting attachments), warning.txt (only with warnings), metadata.json (last).

import { Readable } from "node:stream";
import type { BatchResult, FormatWriter } from "../model.ts";
import { compareByteOrder } from "../prepare/byte-order.ts";
import { channelTypeName, prepareBatch } from "../prepare/prepare-batch.ts";
import { previewIdOf } from "../prepare/post-entries.ts";
import type {
  FileDeletedEntry,
  PostEntry,
  PreparedBatch,
  PreparedChannel,
  UploadEntry,
} from "../prepare/types.ts";
import {
  AttachmentCopier,
  goPathBase,
  goPathJoin,
  goTrimSpace,
  MISSING_FILE_ON_COPY,
  MISSING_FILE_ON_OPEN,
} from "./attachments.ts";
import { encodeCsvRecord } from "./encoding/go-csv.ts";
import { goMarshalIndent, type GoJsonValue } from "./encoding/go-json.ts";

export const CSV_HEADER = [
  "Post Creation Time",
  "Post Update Time",
  "Post Update Type",
  "Team Id",
  "Team Name",
  "Team Display Name",
  "Channel Id",
  "Channel Name",
  "Channel Display Name",
  "Channel Type",
  "User Id",
  "User Email",
  "Username",
  "Post Id",
  "Edited By Post Id",
  "Replied to Post Id",
  "Post Message",
  "Post Type",
  "User Type",
  "Previews Post Id",
] as const;

/** One posts.csv row; `createAt` and `postId` are the sort key. */
export type CsvRow = {
  createAt: number;
  postId: string;
  fields: string[];
};

function row(
  createAt: number,
  updateAt: number,
  updateType: string,
  team: [string, string, string],
  channel: [string, string, string, string],
  user: [string, string, string],
  postId: string,
  editedBy: string,
  repliedTo: string,
  message: string,
  postType: string,
  userType: string,
  previews: string,
): CsvRow {
  return {
    createAt,
    postId,
    fields: [
      String(createAt),
      String(updateAt),
      updateType,
      ...team,
      ...channel,
      ...user,
      postId,
      editedBy,
      repliedTo,
      message,
      postType,
      userType,
      previews,
    ],
  };
}

function postRow(e: PostEntry): CsvRow {
  const p = e.post;
  return row(
    p.createAt,
    p.updateAt,
    e.updatedType,
    [p.teamId, p.teamName, p.teamDisplayName],
    [p.channelId, p.channelName, p.channelDisplayName, channelTypeName(p.channelType)],
    [p.userId, p.userEmail, p.username],
    p.id,
    e.editedNewMsgId,
    p.rootId,
    e.message,
    // Mattermost writes "message" for every post row, whatever the post's own type (a quirk kept).
    "message",
    e.userType,
    previewIdOf(p),
  );
}

function attachmentMessage(entry: UploadEntry | FileDeletedEntry): string {
  const f = entry.file;
  return goTrimSpace(`${f.name} (files/${entry.post.id}/${f.id}-${goPathBase(f.path)})`);
}

function attachmentRow(entry: UploadEntry | FileDeletedEntry, deleted: boolean): CsvRow {
  const p = entry.post;
  return row(
    p.createAt,
    deleted ? entry.file.deleteAt : p.updateAt,
    deleted ? "FileDeleted" : "",
    [p.teamId, p.teamName, p.teamDisplayName],
    [p.channelId, p.channelName, p.channelDisplayName, channelTypeName(p.channelType)],
    [p.userId, p.userEmail, p.username],
    p.id,
    "",
    p.rootId,
    attachmentMessage(entry),
    deleted ? "deleted attachment" : "attachment",
    entry.userType,
    previewIdOf(p),
  );
}

function joinLeaveRows(c: PreparedChannel): CsvRow[] {
  const ch = c.channel;
  const team: [string, string, string] = [ch.teamId, c.teamName, c.teamDisplayName];
  const channel: [string, string, string, string] = [
    ch.id,
    ch.name,
    ch.displayName,
    channelTypeName(ch.type),
  ];
  const rows: CsvRow[] = [];
  for (const j of c.joins) {
    const already = j.joinTime <= c.startTime;
    const message = already
      ? `User ${j.username} (${j.email}) was already in the channel`
      : `User ${j.username} (${j.email}) joined the channel`;
    rows.push(
      row(
        j.joinTime,
        0,
        "",
        team,
        channel,
        [j.userId, j.email, j.username],
        "",
        "",
        "",
        message,
        already ? "previously-joined" : "enter",
        j.userType,
        "",
      ),
    );
  }
  for (const l of c.leaves) {
    if (l.closedOut) continue; // only Actiance needs the closing leaves
    const message = `User ${l.username} (${l.email}) left the channel`;
    rows.push(
      row(
        l.leaveTime,
        0,
        "",
        team,
        channel,
        [l.userId, l.email, l.username],
        "",
        "",
        "",
        message,
        "leave",
        l.userType,
        "",
      ),
    );
  }
  return rows;
}

/** All posts.csv rows of a prepared batch, in output order (without the header). */
export function csvRows(prepared: PreparedBatch): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const c of prepared.channels) {
    rows.push(...joinLeaveRows(c));
    for (const e of c.entries) rows.push(postRow(e));
    for (const u of c.uploads) rows.push(attachmentRow(u, false));
    for (const d of c.deletedFiles) rows.push(attachmentRow(d, true));
  }
  // Stable: equal (time, id) keep generation order, e.g. created -> Deleted -> attachment -> FileDeleted.
  rows.sort((a, b) => a.createAt - b.createAt || compareByteOrder(a.postId, b.postId));
  return rows;
}

const CHUNK = 64 * 1024;

async function* postsCsv(rows: readonly CsvRow[]): AsyncGenerator<Buffer> {
  let buf = encodeCsvRecord(CSV_HEADER);
  for (const r of rows) {
    buf += encodeCsvRecord(r.fields);
    if (buf.length >= CHUNK) {
      yield Buffer.from(buf, "utf8");
      buf = "";
    }
  }
  if (buf !== "") yield Buffer.from(buf, "utf8");
}

/** metadata.json (json.MarshalIndent of shared.Metadata), counts per batch. */
export function csvMetadataJson(
  prepared: PreparedBatch,
  batch: { batchStart: number; batchEnd: number; exportPeriodStart: number; jobEndTime: number },
): string {
  let channels: GoJsonValue = null;
  if (prepared.metadataChannels !== null) {
    const map = new Map<string, GoJsonValue>();
    for (const m of prepared.metadataChannels) {
      const c = m.channel;
      map.set(
        c.id,
        new Map<string, GoJsonValue>([
          ["TeamId", c.teamId],
          // Mattermost's CalculateChannelExports never fills the team name / display name.
          ["TeamName", null],
          ["TeamDisplayName", null],
          ["ChannelId", c.id],
          ["ChannelName", c.name],
          ["ChannelDisplayName", c.displayName],
          ["ChannelType", c.type],
          ["RoomId", `${channelTypeName(c.type)} - ${c.id}`],
          ["StartTime", batch.exportPeriodStart],
          ["EndTime", batch.jobEndTime],
          ["MessagesCount", m.messagesCount],
          ["AttachmentsCount", m.attachmentsCount],
        ]),
      );
    }
    channels = map;
  }
  return goMarshalIndent(
    new Map<string, GoJsonValue>([
      ["Channels", channels],
      ["MessagesCount", prepared.messagesCount],
      ["AttachmentsCount", prepared.attachmentsCount],
      ["StartTime", batch.batchStart],
      ["EndTime", batch.batchEnd],
    ]),
  );
}

export const writeCsvBatch: FormatWriter = async ({
  batch,
  zip,
  openAttachment,
}): Promise<BatchResult> => {
  const prepared = prepareBatch(batch);
  const rows = csvRows(prepared);
  await zip.addStream("posts.csv", Readable.from(postsCsv(rows), { objectMode: false }));

  const warnings: string[] = [];
  const copier = new AttachmentCopier(zip, openAttachment);
  if (batch.exportAttachments) {
    // Every FileInfo of every selected post with file ids, in selection order.
    for (const post of batch.posts) {
      if (post.fileIds.length === 0) continue;
      for (const file of batch.filesByPost.get(post.id) ?? []) {
        const name = goPathJoin("files", post.id, `${file.id}-${goPathBase(file.path)}`);
        const outcome = await copier.copy(name, file);
        if (outcome === "open-failed")
          warnings.push(`Warning:${MISSING_FILE_ON_OPEN} - Post: ${post.id} - ${file.path}`);
        else if (outcome === "copy-failed")
          warnings.push(`Warning:${MISSING_FILE_ON_COPY} - Post: ${post.id} - ${file.path}`);
      }
    }
  }

  if (warnings.length > 0) await zip.addText("warning.txt", warnings.map((w) => w + "\n").join(""));
  await zip.addText("metadata.json", csvMetadataJson(prepared, batch));
  return { messages: prepared.messagesCount, files: copier.copied, warnings };
};
