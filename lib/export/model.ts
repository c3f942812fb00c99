// The data one batch of an export is made from, in Mattermost's terms (EXPORT-FORMATS.md §1.5, §3).
// The engine reads it from the database; the format writers turn it into zip entries. Times are
// epoch milliseconds as JavaScript numbers (safe up to the year 287,396).

import type { MailboxEmail } from "../targets/target.ts";

export type ChannelType = "O" | "P" | "D" | "G";

/** One selected post row (§1.5), already normalised (§3.2). */
export type ExportPost = {
  id: string;
  createAt: number;
  updateAt: number;
  deleteAt: number;
  editAt: number;
  message: string;
  /** The post's own Mattermost type ("" for a plain message, "slack_attachment", …). */
  type: string;
  /** Parsed Props JSON; {} when absent or unparsable. */
  props: Record<string, unknown>;
  originalId: string;
  rootId: string;
  fileIds: string[];
  teamId: string;
  teamName: string;
  teamDisplayName: string;
  channelId: string;
  channelName: string;
  /** "Direct Message" for D, "Group Message" for G, else the channel's display name. */
  channelDisplayName: string;
  channelType: ChannelType | "";
  userId: string;
  userEmail: string;
  username: string;
  /** Props.from_bot === "true" when that key exists, else whether the author is a bot. */
  isBot: boolean;
  /** The row's change-feed numbers (absent for posts made up by tests). */
  feed?: { seq: number; createSeq: number; liveSeq: number; liveUpdateAt: number };
  /**
   * For a deleted post: whether its "created" entry is still owed — set by a run of the change feed
   * (true when no earlier run exported the live post). Unset: Mattermost's rule, CreateAt >= job start.
   */
  createdEntryDue?: boolean;
};

export type ExportFileInfo = {
  id: string;
  postId: string;
  name: string;
  /** The source system's path (Mattermost FileInfo.Path). */
  path: string;
  size: number;
  mimeType: string;
  createAt: number;
  deleteAt: number;
  /** Key in Custodian's file store; "" when the bytes were never received (a warning, not an error). */
  storeKey: string;
  /** The plaintext's SHA-256 stored at ingest ("" unknown); the export checks the bytes against it. */
  sha256?: string;
};

/** Channel metadata for the whole job window (§3.5 CalculateChannelExports). */
export type ExportChannel = {
  id: string;
  name: string;
  displayName: string;
  type: ChannelType;
  teamId: string;
};

/** A member-history row for a channel, with the user's details (§3.5 GetUsersInChannelDuring). */
export type MemberHistoryRow = {
  channelId: string;
  userId: string;
  email: string;
  username: string;
  isBot: boolean;
  userDeleteAt: number;
  joinTime: number;
  leaveTime: number | null;
};

export type BatchInput = {
  /** 1-based batch number within the job. */
  batchNumber: number;
  batchStart: number;
  batchEnd: number;
  /** job_start_time: the start of the job's window (deleted posts created at/after it get a "created" entry too). */
  jobStartTime: number;
  /** The export period start at claim time (batch_start_time when the job was (re)claimed). */
  exportPeriodStart: number;
  jobEndTime: number;
  /** The batch's posts in (updateAt, id) order. */
  posts: ExportPost[];
  /** All file infos (deleted ones too) of the batch's posts that have file ids, by post id. */
  filesByPost: ReadonlyMap<string, ExportFileInfo[]>;
  /** Every channel active anywhere in the job window, by id. */
  channels: ReadonlyMap<string, ExportChannel>;
  /** Member history of those channels during the window, by channel id. */
  memberHistory: ReadonlyMap<string, MemberHistoryRow[]>;
  exportAttachments: boolean;
};

/**
 * Where a writer puts its entries: a batch zip (entries in the order added) or, for email entries,
 * an archive mailbox.
 */
export interface ZipSink {
  addText(name: string, text: string): Promise<void>;
  /** Streams the entry; rejects if the source errors (the engine then fails or warns). */
  addStream(name: string, source: NodeJS.ReadableStream): Promise<void>;
  /** One email: a zip stores its bytes under `name`; an archive mailbox sends it (once). */
  addEmail(name: string, email: MailboxEmail): Promise<void>;
}

/** Opens an attachment's bytes; rejects when they are missing (the writer records a warning). */
export type OpenAttachment = (file: ExportFileInfo) => Promise<NodeJS.ReadableStream>;

export type BatchResult = {
  /** Post entries written (created/edited/updated/deleted rows), for counters. */
  messages: number;
  /** Attachment files copied into the zip. */
  files: number;
  /** warning.txt lines. */
  warnings: string[];
};

export type FormatWriter = (options: {
  batch: BatchInput;
  zip: ZipSink;
  openAttachment: OpenAttachment;
}) => Promise<BatchResult>;
