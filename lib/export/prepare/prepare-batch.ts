// The shared processing of one batch (EXPORT-FORMATS.md §3; Mattermost's GetGenericExportData),
// with Custodian's decisions: channels in channel-id order, per-batch metadata counts.

import type { BatchInput, ExportChannel, ExportPost } from "../model.ts";
import { compareByteOrder } from "./byte-order.ts";
import {
  channelHasActivity,
  joinsAndLeavesForChannel,
  type ChannelMember,
} from "./joins-leaves.ts";
import { entriesForPost } from "./post-entries.ts";
import type {
  BatchChannel,
  MetadataChannelCounts,
  PostEntry,
  PreparedBatch,
  PreparedChannel,
} from "./types.ts";

/** ChannelTypeDisplayName: public / private / direct / group, "" otherwise. */
export function channelTypeName(type: string): string {
  switch (type) {
    case "O":
      return "public";
    case "P":
      return "private";
    case "D":
      return "direct";
    case "G":
      return "group";
    default:
      return "";
  }
}

function fromExportChannel(c: ExportChannel): BatchChannel {
  return { id: c.id, name: c.name, displayName: c.displayName, type: c.type, teamId: c.teamId };
}

/**
 * A post whose channel is missing from batch.channels (Mattermost fails the batch there). Custodian
 * keeps going with what the post says; a D/G post's display name is a placeholder, so use "".
 */
function fromPost(post: ExportPost): BatchChannel {
  const placeholder = post.channelType === "D" || post.channelType === "G";
  return {
    id: post.channelId,
    name: post.channelName,
    displayName: placeholder ? "" : post.channelDisplayName,
    type: post.channelType,
    teamId: post.teamId,
  };
}

type ChannelWork = {
  channel: BatchChannel;
  entries: PostEntry[];
  authors: Map<string, ChannelMember>;
};

export function prepareBatch(batch: BatchInput): PreparedBatch {
  const known = new Map<string, BatchChannel>();
  for (const [id, c] of batch.channels) known.set(id, fromExportChannel(c));

  const work = new Map<string, ChannelWork>();
  const counts = new Map<string, MetadataChannelCounts>();
  for (const c of known.values())
    counts.set(c.id, { channel: c, messagesCount: 0, attachmentsCount: 0 });
  let messagesCount = 0;
  let attachmentsCount = 0;

  for (const post of batch.posts) {
    let w = work.get(post.channelId);
    if (w === undefined) {
      let channel = known.get(post.channelId);
      if (channel === undefined) {
        channel = fromPost(post);
        known.set(channel.id, channel);
        counts.set(channel.id, { channel, messagesCount: 0, attachmentsCount: 0 });
      }
      w = { channel, entries: [], authors: new Map() };
      work.set(post.channelId, w);
    }
    const count = counts.get(post.channelId);
    for (const e of entriesForPost(post, batch.filesByPost.get(post.id), batch.jobStartTime)) {
      w.entries.push(e);
      messagesCount += 1;
      attachmentsCount += e.uploads.length;
      if (count !== undefined) {
        count.messagesCount += 1;
        count.attachmentsCount += e.uploads.length;
      }
    }
    w.authors.set(post.userId, {
      userId: post.userId,
      email: post.userEmail,
      username: post.username,
      isBot: post.isBot,
    });
  }

  // Channels without posts but with a join or leave inside the batch window.
  for (const [id, channel] of known) {
    if (work.has(id)) continue;
    if (channelHasActivity(batch.memberHistory.get(id), batch.batchStart, batch.batchEnd)) {
      work.set(id, { channel, entries: [], authors: new Map() });
    }
  }

  const ids = [...work.keys()].sort(compareByteOrder);
  const channels: PreparedChannel[] = ids.map((id) => {
    const w = work.get(id)!;
    const { joins, leaves } = joinsAndLeavesForChannel(
      batch.batchStart,
      batch.batchEnd,
      batch.memberHistory.get(id),
      w.authors.values(),
    );
    const first = w.entries[0];
    return {
      channel: w.channel,
      teamName: first?.post.teamName ?? "",
      teamDisplayName: first?.post.teamDisplayName ?? "",
      startTime: batch.batchStart,
      endTime: batch.batchEnd,
      entries: w.entries,
      uploads: w.entries.flatMap((e) => e.uploads),
      deletedFiles: w.entries.flatMap((e) => e.deletedFiles),
      files: w.entries.flatMap((e) => e.files),
      joins,
      leaves,
    };
  });

  const metadataChannels =
    counts.size === 0
      ? null
      : [...counts.values()].sort((a, b) => compareByteOrder(a.channel.id, b.channel.id));

  return { channels, metadataChannels, messagesCount, attachmentsCount };
}
