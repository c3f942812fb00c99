// The Global Relay emails of one batch (EXPORT-FORMATS.md §6): one per channel (in channel-id
// order) and per 250 MiB part, each with a Message-ID that is the same every time the batch is
// rendered, so a retried or resumed delivery recognises what it already sent.

import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { logger } from "../../../log/logger.ts";
import { safeEntrySegment } from "../safe-entry-name.ts";
import type { BatchInput, OpenAttachment } from "../../model.ts";
import { channelTypeName, prepareBatch } from "../../prepare/prepare-batch.ts";
import {
  conversationParts,
  MAX_EMAIL_BYTES,
  type ConversationPart,
  type RemovedAttachments,
} from "./conversations.ts";
import { emlStream, type AttachmentTally } from "./eml.ts";
import { rfc1123z } from "./format.ts";
import { headerAddress } from "./headers.ts";
import { htmlBody, pageDataOf, pageHtml } from "./html.ts";
import { pageText } from "./text.ts";

export type GlobalRelayEmail = {
  /** "<40 hex digits@custodian>", derived from what the email holds (globalRelayMessageId). */
  messageId: string;
  channelId: string;
  /** 0, 1, … when a channel's conversation is split at 250 MiB. */
  part: number;
  /** "<ChannelName> - (<ChannelId>) - <part>.eml", with separators, controls and `: * ? " < > |` as "_". */
  fileName: string;
  /** The From address (first participant by username), also the SMTP MAIL FROM. */
  from: string;
  /** The To addresses (every participant). */
  to: string[];
  /** Post entries listed in this email. */
  messages: number;
  /** Distinct posts (database rows) listed: what an archive mailbox counts as delivered. */
  posts: number;
  /** Their ids. */
  postIds: string[];
  /** Files this email attaches (missing ones included, as empty parts). */
  attachments: number;
  /** Posts whose attachments were left out for size. */
  removed: RemovedAttachments[];
  /** A new stream of the email; every call yields the same bytes. */
  stream(): Readable;
  /** Warnings (missing attachment files), filled in while a stream is read. */
  warnings: string[];
  /** Ids of the files actually streamed, filled in while a stream is read. */
  attachedFileIds: ReadonlySet<string>;
};

export type RenderGlobalRelayEmailsOptions = {
  batch: BatchInput;
  /** Part of the Message-ID: the export (policy) the email belongs to. */
  scope: string;
  openAttachment: OpenAttachment;
  /** Defaults to 250 MiB (Mattermost's MaxEmailBytes). */
  maxEmailBytes?: number;
  /** Defaults to the process logger. */
  log?: {
    error: (fields: object, message: string) => void;
    warn: (fields: object, message: string) => void;
  };
};

/**
 * The Message-ID of one email: a SHA-256 prefix of the export it belongs to, the channel, the part
 * and every post line it lists (post id, update time, update type, text) — or, for an email of only
 * joins and leaves, its participants and window. It depends only on what the email holds, so any
 * later job that renders the same email (a resume, a retry, a continuation after an error) finds it
 * in the delivery ledger and never sends it again.
 */
export function globalRelayMessageId(scope: string, part: ConversationPart): string {
  const hash = createHash("sha256").update(
    JSON.stringify(["custodian-globalrelay", scope, part.channel.channel.id, part.index]),
  );
  const posts = part.messages.filter((m) => m.kind === "post");
  if (posts.length > 0) {
    for (const m of posts)
      hash.update(JSON.stringify([m.postId, m.updateAt, m.updateType, m.message]));
  } else {
    hash.update(
      JSON.stringify([
        part.channel.startTime,
        part.channel.endTime,
        part.participants.map((p) => [p.userId, p.joinTime, p.leaveTime]),
      ]),
    );
  }
  return `<${hash.digest("hex").slice(0, 40)}@custodian>`;
}

/** Zip entry / file name; separators, control characters and Windows' reserved characters a channel name might carry become "_". */
export function emlFileName(channelName: string, channelId: string, part: number): string {
  return `${safeEntrySegment(channelName)} - (${safeEntrySegment(channelId)}) - ${part}.eml`;
}

function emailOf(
  options: RenderGlobalRelayEmailsOptions,
  part: ConversationPart,
): GlobalRelayEmail {
  const { batch } = options;
  const channel = part.channel.channel;
  const messageId = globalRelayMessageId(options.scope, part);
  const data = pageDataOf(part, batch.jobStartTime);
  const page = pageHtml(data, part);
  const text = pageText(data, part);
  const html = htmlBody(page);
  // Mattermost lists every participant's email as is; an empty one would leave an empty list element.
  const addresses = part.participants.map((p) => headerAddress(p.email)).filter((a) => a !== "");
  const from = addresses[0] ?? "";
  const tally: AttachmentTally = { warnings: [], attached: new Set() };
  const postLines = part.messages.filter((m) => m.kind === "post");
  const headers = {
    from,
    to: addresses,
    subject: `Mattermost Compliance Export: ${channel.displayName}`,
    channelDisplayName: channel.displayName,
    channelId: channel.id,
    channelType: channelTypeName(channel.type),
    date: rfc1123z(part.channel.endTime),
    messageId,
  };
  return {
    messageId,
    channelId: channel.id,
    part: part.index,
    fileName: emlFileName(channel.name, channel.id, part.index),
    from,
    to: addresses,
    messages: postLines.length,
    posts: new Set(postLines.map((m) => m.postId)).size,
    postIds: [...new Set(postLines.map((m) => m.postId))],
    attachments: part.attachments.length,
    removed: part.removed,
    stream: () =>
      emlStream({
        headers,
        text,
        html,
        attachments: part.attachments,
        openAttachment: options.openAttachment,
        tally,
      }),
    warnings: tally.warnings,
    attachedFileIds: tally.attached,
  };
}

/**
 * The batch's emails, lazily: a channel's HTML and text are built when the iteration reaches it,
 * attachments are read only while an email's stream is consumed. Posts whose attachments alone
 * pass the size limit are logged at error level with id `global_relay_attachments_removed`.
 */
export async function* renderGlobalRelayEmails(
  options: RenderGlobalRelayEmailsOptions,
): AsyncGenerator<GlobalRelayEmail> {
  const log = options.log ?? logger();
  const prepared = prepareBatch(options.batch);
  const maxEmailBytes = options.maxEmailBytes ?? MAX_EMAIL_BYTES;
  for (const channel of prepared.channels) {
    for (const part of conversationParts(channel, {
      maxEmailBytes,
      exportAttachments: options.batch.exportAttachments,
    })) {
      for (const removed of part.removed) {
        log.error(
          {
            id: "global_relay_attachments_removed",
            post_id: removed.postId,
            file_ids: removed.fileIds,
            channel_id: channel.channel.id,
            scope: options.scope,
            batch: options.batch.batchNumber,
          },
          "Global Relay attachments removed because they were too large to send to Global Relay",
        );
      }
      if (part.participants.length === 0) {
        // Mattermost fails the batch here (it indexes the empty participant list); such a channel
        // has only joins or leaves of users deleted before the batch, so there is nothing to send.
        log.warn(
          { channel_id: channel.channel.id, scope: options.scope },
          "Global Relay email skipped: the conversation has no participants",
        );
        continue;
      }
      yield emailOf(options, part);
    }
  }
}
