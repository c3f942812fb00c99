// The format-agnostic view of one batch (EXPORT-FORMATS.md §3), what Mattermost's
// shared.GetGenericExportData builds before each format writes it out.

import type { ChannelType, ExportFileInfo, ExportPost } from "../model.ts";

export type UserType = "user" | "bot";

/** "" for a created entry. */
export type UpdatedType =
  "" | "EditedOriginalMsg" | "EditedNewMsg" | "UpdatedNoMsgChange" | "Deleted" | "FileDeleted";

/** A deleted attachment, recorded as its own message (§3.4). */
export type FileDeletedEntry = {
  post: ExportPost;
  file: ExportFileInfo;
  updatedType: "FileDeleted";
  /** FileInfo.DeleteAt. */
  updateAt: number;
  /** "delete " + FileInfo.Path. */
  message: string;
  userType: UserType;
  previewsPost: string;
};

/** An upload start + stop pair (both at the post's CreateAt, status Completed). */
export type UploadEntry = {
  post: ExportPost;
  file: ExportFileInfo;
  userType: UserType;
};

/** One post entry (§3.3): created, edited (original / new), updated, or deleted. */
export type PostEntry = {
  post: ExportPost;
  updatedType: Exclude<UpdatedType, "FileDeleted">;
  /** The entry's update time; 0 for a created entry. */
  updateAt: number;
  message: string;
  /** For EditedOriginalMsg: the live post's id (post.originalId). */
  editedNewMsgId: string;
  previewsPost: string;
  userType: UserType;
  uploads: UploadEntry[];
  deletedFiles: FileDeletedEntry[];
  /** Every FileInfo of the post (deleted ones too) when it has file ids, else []. */
  files: ExportFileInfo[];
};

/** The channel as the batch sees it; equals batch.channels' entry when present. */
export type BatchChannel = {
  id: string;
  name: string;
  displayName: string;
  type: ChannelType | "";
  teamId: string;
};

export type JoinEvent = {
  userId: string;
  username: string;
  email: string;
  userType: UserType;
  joinTime: number;
  /** The user's last leave in the batch, else the batch end (Global Relay uses it). */
  leaveTime: number;
};

export type LeaveEvent = {
  userId: string;
  username: string;
  email: string;
  userType: UserType;
  leaveTime: number;
  /** A leave added at the batch end so every join has a matching leave (Actiance only). */
  closedOut: boolean;
};

export type PreparedChannel = {
  channel: BatchChannel;
  /** From the channel's first post entry in the batch, else "". */
  teamName: string;
  teamDisplayName: string;
  startTime: number;
  endTime: number;
  /** Post entries in generation order. */
  entries: PostEntry[];
  uploads: UploadEntry[];
  deletedFiles: FileDeletedEntry[];
  /** All FileInfos of the channel's entries, in generation order, duplicates included. */
  files: ExportFileInfo[];
  /** Sorted by (time, email byte order). */
  joins: JoinEvent[];
  /** Real and closed-out leaves, sorted by (time, email byte order). */
  leaves: LeaveEvent[];
};

export type MetadataChannelCounts = {
  channel: BatchChannel;
  messagesCount: number;
  attachmentsCount: number;
};

export type PreparedBatch = {
  /** Channels with posts or member activity in this batch, in channel-id byte order. */
  channels: PreparedChannel[];
  /** Every channel of the job window (null when there is none, like Mattermost's nil map), in id order. */
  metadataChannels: MetadataChannelCounts[] | null;
  /** Post entries in this batch. */
  messagesCount: number;
  /** Upload entries in this batch (deleted-file entries not counted). */
  attachmentsCount: number;
};
