// Grouping of one prepared batch into Global Relay conversations (EXPORT-FORMATS.md §6.1-§6.3;
// Mattermost's addToExports, addPostToChannelExport, addAttachmentsToChannelExport,
// getParticipants): one conversation per channel, split into parts of at most 250 MiB.

import type { ExportFileInfo } from "../../model.ts";
import { compareByteOrder } from "../../prepare/byte-order.ts";
import type { JoinEvent, PostEntry, PreparedChannel } from "../../prepare/types.ts";
import { goQuote } from "./format.ts";

/** Mattermost's MaxEmailBytes: 250 MiB of message text and attachment sizes per email. */
export const MAX_EMAIL_BYTES = 250 * 1024 * 1024;

/** One line of the HTML message list. */
export type ConversationMessage = {
  postId: string;
  /** The post's CreateAt (ms); every line of a post carries it. */
  sentTime: number;
  senderId: string;
  senderUsername: string;
  /** override_username / webhook_display_name, else the username (Mattermost's PostUsername). */
  postUsername: string;
  senderUserType: string;
  senderEmail: string;
  message: string;
  previewsPost: string;
  updateAt: number;
  updateType: string;
  editedNewMsgId: string;
  /** A post entry, or an upload / deleted-file line of one. */
  kind: "post" | "file";
};

export type Participant = JoinEvent & { messagesSent: number };

/** Attachments of a post that were left out because they alone pass the size limit. */
export type RemovedAttachments = { postId: string; fileIds: string[] };

export type ConversationPart = {
  channel: PreparedChannel;
  /** 0, 1, … within the channel. */
  index: number;
  /** Sorted for rendering (see sortMessages). */
  messages: ConversationMessage[];
  /** Sorted by username (byte order, stable). */
  participants: Participant[];
  /** The files to attach, in conversation order. */
  attachments: ExportFileInfo[];
  removed: RemovedAttachments[];
  /** The size estimate the split uses: message bytes plus attachment sizes. */
  bytes: number;
};

function stringProp(props: Record<string, unknown>, key: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(props, key)) return undefined;
  const value = props[key];
  // Mattermost panics on a non-string value; Custodian ignores it.
  return typeof value === "string" ? value : undefined;
}

/** The name shown for a post: override_username, else (if unchanged) webhook_display_name, else the username. */
export function postUsernameOf(entry: PostEntry): string {
  const original = entry.post.username;
  let name = original;
  const override = stringProp(entry.post.props, "override_username");
  if (override !== undefined) name = override;
  if (name === original) {
    const webhook = stringProp(entry.post.props, "webhook_display_name");
    if (webhook !== undefined) name = webhook;
  }
  return name;
}

function lineOf(entry: PostEntry): ConversationMessage {
  const post = entry.post;
  return {
    postId: post.id,
    sentTime: post.createAt,
    senderId: post.userId,
    senderUsername: post.username,
    postUsername: post.username,
    senderUserType: entry.userType,
    senderEmail: post.userEmail,
    message: entry.message,
    previewsPost: entry.previewsPost,
    updateAt: entry.updateAt,
    updateType: entry.updatedType,
    editedNewMsgId: entry.editedNewMsgId,
    kind: "post",
  };
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

type Building = {
  index: number;
  lines: ConversationMessage[];
  authored: Map<string, number>;
  attachments: ExportFileInfo[];
  removed: RemovedAttachments[];
  bytes: number;
};

function newPart(index: number): Building {
  return { index, lines: [], authored: new Map(), attachments: [], removed: [], bytes: 0 };
}

/** Plain messages (a post line without an update type) sort before the other lines of the same time. */
function rank(m: ConversationMessage): number {
  return m.kind === "post" && m.updateType === "" ? 0 : 1;
}

/**
 * Custodian's deterministic order (Mattermost uses an unstable sort): by sent time, then plain
 * messages before file lines and updates, then post id; equal keys keep generation order.
 */
export function sortMessages(messages: ConversationMessage[]): ConversationMessage[] {
  return messages
    .map((m, i) => ({ m, i }))
    .sort(
      (a, b) =>
        a.m.sentTime - b.m.sentTime ||
        rank(a.m) - rank(b.m) ||
        compareByteOrder(a.m.postId, b.m.postId) ||
        a.i - b.i,
    )
    .map((x) => x.m);
}

function participantsOf(joins: readonly JoinEvent[], authored: Map<string, number>): Participant[] {
  return joins
    .map((j, i) => ({ p: { ...j, messagesSent: authored.get(j.userId) ?? 0 }, i }))
    .sort((a, b) => compareByteOrder(a.p.username, b.p.username) || a.i - b.i)
    .map((x) => x.p);
}

/**
 * The conversation parts of one channel. A post entry's bytes are its raw message's UTF-8 length
 * plus the sizes of its uploads; uploads that alone pass `maxEmailBytes` are not attached (and not
 * counted) but listed with a placeholder line; a post that would take the current part past the
 * limit starts a new part.
 */
export function conversationParts(
  channel: PreparedChannel,
  options: { maxEmailBytes: number; exportAttachments: boolean },
): ConversationPart[] {
  const parts: Building[] = [newPart(0)];
  for (const entry of channel.entries) {
    const uploads = options.exportAttachments ? entry.uploads : [];
    const fileBytes = uploads.reduce((sum, u) => sum + u.file.size, 0);
    let postBytes = utf8Length(entry.post.message) + fileBytes;
    const removeAttachments = fileBytes > options.maxEmailBytes;
    if (removeAttachments) postBytes -= fileBytes;
    let part = parts[parts.length - 1]!;
    // Mattermost also splits off an empty part here when one message alone passes the limit.
    if (part.lines.length > 0 && part.bytes + postBytes > options.maxEmailBytes) {
      part = newPart(parts.length);
      parts.push(part);
    }

    const line = lineOf(entry);
    line.postUsername = postUsernameOf(entry);
    part.lines.push(line);
    part.authored.set(entry.post.userId, (part.authored.get(entry.post.userId) ?? 0) + 1);

    for (const upload of entry.uploads) {
      const file = upload.file;
      let message: string;
      if (removeAttachments) {
        message = `Uploaded file ${goQuote(file.name)} (id '${file.id}') was removed because it was too large to send.`;
      } else {
        if (options.exportAttachments) part.attachments.push(file);
        message = `Uploaded file ${file.name}`;
      }
      part.lines.push({ ...lineOf(entry), message, kind: "file" });
    }
    if (removeAttachments)
      part.removed.push({ postId: entry.post.id, fileIds: uploads.map((u) => u.file.id) });

    for (const deleted of entry.deletedFiles) {
      part.lines.push({
        ...lineOf(entry),
        message: `Deleted file ${deleted.file.name}`,
        previewsPost: deleted.previewsPost,
        updateAt: deleted.updateAt,
        updateType: deleted.updatedType,
        editedNewMsgId: "",
        kind: "file",
      });
    }
    part.bytes += postBytes;
  }

  return parts.map((p) => ({
    channel,
    index: p.index,
    messages: sortMessages(p.lines),
    participants: participantsOf(channel.joins, p.authored),
    attachments: p.attachments,
    removed: p.removed,
    bytes: p.bytes,
  }));
}
