// One message record per post id, from the shared classification of a channel's entries
// (EXPORT-FORMATS.md §3.3): the EditedOriginalMsg rows become the edit log of the post they name,
// a deleted post keeps only its deletion marker, and the attachments of the current version are
// planned as zip entries.

import type { ExportFileInfo, ExportPost } from "../../model.ts";
import { compareByteOrder } from "../../prepare/byte-order.ts";
import type { PostEntry, UpdatedType } from "../../prepare/types.ts";
import { goPathBase } from "../attachments.ts";
import { cleanFileName, cleanId, type UniqueNames } from "./safe-names.ts";
import type { JsonAttachment, JsonEditLogEntry, JsonMessage, JsonMessageStatus } from "./types.ts";
import { isoUtc } from "./zoned-date.ts";

/** An attachment to copy into the zip, and every record that points at it. */
export type PlannedCopy = {
  path: string;
  postId: string;
  file: ExportFileInfo;
  records: JsonAttachment[];
};

export type AttachmentPlanner = {
  exportAttachments: boolean;
  names: UniqueNames;
  /** By `postId \n fileId`, in the order first planned. */
  copies: Map<string, PlannedCopy>;
};

type Draft = {
  id: string;
  /** The current version's row, when this batch holds it. */
  live: ExportPost | null;
  updateType: Exclude<UpdatedType, "EditedOriginalMsg" | "FileDeleted"> | null;
  files: ExportFileInfo[];
  /** EditedOriginalMsg rows: the earlier versions. */
  versions: ExportPost[];
  /** The first row seen, for the author and times when only earlier versions are in the batch. */
  first: ExportPost;
};

const STATUS: Record<NonNullable<Draft["updateType"]>, JsonMessageStatus> = {
  "": "created",
  EditedNewMsg: "edited",
  UpdatedNoMsgChange: "updated",
  Deleted: "deleted",
};

function draftsOf(entries: readonly PostEntry[]): Draft[] {
  const drafts = new Map<string, Draft>();
  const draft = (id: string, post: ExportPost): Draft => {
    let d = drafts.get(id);
    if (d === undefined) {
      d = { id, live: null, updateType: null, files: [], versions: [], first: post };
      drafts.set(id, d);
    }
    return d;
  };
  for (const e of entries) {
    if (e.updatedType === "EditedOriginalMsg") {
      draft(e.editedNewMsgId, e.post).versions.push(e.post);
    } else {
      // A deleted post created inside the job window has a created entry, then its Deleted one.
      const d = draft(e.post.id, e.post);
      d.live = e.post;
      d.updateType = e.updatedType;
      d.files = e.files;
    }
  }
  return [...drafts.values()];
}

function editLogEntry(version: ExportPost): JsonEditLogEntry {
  // The kept row still carries the EditAt of the text it holds (0 when it was the first text).
  const written = version.editAt > 0 ? version.editAt : version.createAt;
  return {
    versionId: version.id,
    text: version.message,
    writtenAt: isoUtc(written),
    writtenAtMs: written,
    replacedAt: isoUtc(version.updateAt),
    replacedAtMs: version.updateAt,
  };
}

function attachmentsOf(
  post: ExportPost,
  files: readonly ExportFileInfo[],
  planner: AttachmentPlanner,
): JsonAttachment[] {
  const order = (f: ExportFileInfo) => {
    const i = post.fileIds.indexOf(f.id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const sorted = [...files].sort((a, b) => order(a) - order(b) || compareByteOrder(a.id, b.id));
  return sorted.map((f) => {
    const deleted = f.deleteAt > 0;
    const record: JsonAttachment = {
      id: f.id,
      name: f.name,
      size: f.size,
      mimeType: f.mimeType,
      zipPath: null,
      missing: false,
      deleted: deleted ? { at: isoUtc(f.deleteAt), atMs: f.deleteAt } : null,
    };
    if (planner.exportAttachments && !deleted) {
      const key = `${post.id}\n${f.id}`;
      let copy = planner.copies.get(key);
      if (copy === undefined) {
        const base = f.name !== "" ? f.name : goPathBase(f.path);
        const path = planner.names.take(
          `Files/${cleanId(post.id)}/${cleanId(f.id)}-${cleanFileName(base)}`,
          { file: true },
        );
        copy = { path, postId: post.id, file: f, records: [] };
        planner.copies.set(key, copy);
      }
      copy.records.push(record);
      record.zipPath = copy.path;
    }
    return record;
  });
}

function messageOf(d: Draft, planner: AttachmentPlanner): JsonMessage {
  const p = d.live ?? d.first;
  const live = d.live;
  const deleted = live !== null && d.updateType === "Deleted";
  const deleteBy = live?.props["deleteBy"];
  const versions = [...d.versions].sort(
    (a, b) => a.updateAt - b.updateAt || compareByteOrder(a.id, b.id),
  );
  return {
    id: d.id,
    postType: p.type,
    status: d.updateType === null ? "versionsOnly" : STATUS[d.updateType],
    updateType: d.updateType,
    author: { id: p.userId, username: p.username, email: p.userEmail, bot: p.isBot },
    createdAt: isoUtc(p.createAt),
    createdAtMs: p.createAt,
    updatedAt: live ? isoUtc(live.updateAt) : null,
    updatedAtMs: live ? live.updateAt : null,
    editedAt: live && live.editAt > 0 ? isoUtc(live.editAt) : null,
    editedAtMs: live && live.editAt > 0 ? live.editAt : null,
    text: live && !deleted ? live.message : null,
    replyToId: p.rootId !== "" ? p.rootId : null,
    attachments: live && !deleted ? attachmentsOf(live, d.files, planner) : [],
    editLog: deleted ? [] : versions.map(editLogEntry),
    deleted: deleted
      ? {
          at: isoUtc(live.deleteAt),
          atMs: live.deleteAt,
          by: typeof deleteBy === "string" && deleteBy !== "" ? deleteBy : null,
        }
      : null,
  };
}

/** A channel's message records, ordered by (creation time, id). */
export function messagesOf(
  entries: readonly PostEntry[],
  planner: AttachmentPlanner,
): JsonMessage[] {
  const drafts = draftsOf(entries);
  drafts.sort(
    (a, b) =>
      (a.live ?? a.first).createAt - (b.live ?? b.first).createAt || compareByteOrder(a.id, b.id),
  );
  return drafts.map((d) => messageOf(d, planner));
}
