// Test helpers that take Mattermost's test-case field names (model.MessageExport,
// model.ChannelMemberHistoryResult, model.FileInfo) so that cases port over almost verbatim, and
// apply the post normalisation of EXPORT-FORMATS.md §3.2 the engine does before a writer runs.

import { Readable } from "node:stream";
import type {
  BatchInput,
  ChannelType,
  ExportChannel,
  ExportFileInfo,
  ExportPost,
  MemberHistoryRow,
  OpenAttachment,
} from "../../model.ts";

export type MmMessageExport = {
  PostId?: string;
  PostOriginalId?: string;
  PostRootId?: string;
  TeamId?: string;
  TeamName?: string;
  TeamDisplayName?: string;
  ChannelId?: string;
  ChannelName?: string;
  ChannelDisplayName?: string;
  ChannelType?: ChannelType;
  PostCreateAt?: number;
  PostUpdateAt?: number;
  PostDeleteAt?: number;
  PostEditAt?: number;
  PostMessage?: string;
  PostType?: string;
  PostProps?: string;
  UserEmail?: string;
  UserId?: string;
  Username?: string;
  IsBot?: boolean;
  PostFileIds?: string[];
};

function parseProps(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function mmPost(m: MmMessageExport): ExportPost {
  const props = parseProps(m.PostProps);
  const isBot = Object.prototype.hasOwnProperty.call(props, "from_bot")
    ? props["from_bot"] === "true"
    : (m.IsBot ?? false);
  return {
    id: m.PostId ?? "",
    createAt: m.PostCreateAt ?? 0,
    updateAt: m.PostUpdateAt ?? 0,
    deleteAt: m.PostDeleteAt ?? 0,
    editAt: m.PostEditAt ?? 0,
    message: m.PostMessage ?? "",
    type: m.PostType ?? "",
    props,
    originalId: m.PostOriginalId ?? "",
    rootId: m.PostRootId ?? "",
    fileIds: m.PostFileIds ?? [],
    teamId: m.TeamId ?? "",
    teamName: m.TeamName ?? "",
    teamDisplayName: m.TeamDisplayName ?? "",
    channelId: m.ChannelId ?? "",
    channelName: m.ChannelName ?? "",
    channelDisplayName: m.ChannelDisplayName ?? "",
    channelType: m.ChannelType ?? "",
    userId: m.UserId ?? "",
    userEmail: m.UserEmail ?? "",
    username: m.Username ?? "",
    isBot,
  };
}

export type MmMemberHistory = {
  ChannelId?: string;
  UserId: string;
  UserEmail: string;
  Username: string;
  JoinTime: number;
  LeaveTime?: number;
  IsBot?: boolean;
  UserDeleteAt?: number;
};

export function mmHistory(channelId: string, h: MmMemberHistory): MemberHistoryRow {
  return {
    channelId: h.ChannelId ?? channelId,
    userId: h.UserId,
    email: h.UserEmail,
    username: h.Username,
    isBot: h.IsBot ?? false,
    userDeleteAt: h.UserDeleteAt ?? 0,
    joinTime: h.JoinTime,
    leaveTime: h.LeaveTime ?? null,
  };
}

export type MmFileInfo = {
  Id?: string;
  Name?: string;
  Path?: string;
  CreateAt?: number;
  UpdateAt?: number;
  DeleteAt?: number;
  Size?: number;
  PostId?: string;
};

export function mmFile(f: MmFileInfo): ExportFileInfo {
  return {
    id: f.Id ?? "",
    postId: f.PostId ?? "",
    name: f.Name ?? "",
    path: f.Path ?? "",
    size: f.Size ?? 0,
    mimeType: "",
    createAt: f.CreateAt ?? 0,
    deleteAt: f.DeleteAt ?? 0,
    storeKey: f.Path ?? "",
  };
}

export type MmChannel = {
  Id: string;
  Name: string;
  DisplayName: string;
  Type: ChannelType;
  TeamId: string;
};

export function mmChannel(c: MmChannel): ExportChannel {
  return { id: c.Id, name: c.Name, displayName: c.DisplayName, type: c.Type, teamId: c.TeamId };
}

/** The channel all of Mattermost's export test cases use. */
export const TEST_CHANNEL: ExportChannel = mmChannel({
  Id: "channel-id",
  Name: "channel-name",
  DisplayName: "channel-display-name",
  Type: "D",
  TeamId: "team-id",
});

export function batchOf(options: {
  posts?: MmMessageExport[];
  files?: Record<string, MmFileInfo[]>;
  channels?: ExportChannel[];
  history?: Record<string, MmMemberHistory[]>;
  batchStart: number;
  batchEnd: number;
  jobStartTime?: number;
  exportPeriodStart?: number;
  jobEndTime?: number;
  exportAttachments?: boolean;
  batchNumber?: number;
}): BatchInput {
  const filesByPost = new Map<string, ExportFileInfo[]>();
  for (const [postId, infos] of Object.entries(options.files ?? {})) {
    filesByPost.set(
      postId,
      infos.map((f) => mmFile({ PostId: postId, ...f })),
    );
  }
  const memberHistory = new Map<string, MemberHistoryRow[]>();
  for (const [channelId, rows] of Object.entries(options.history ?? {})) {
    memberHistory.set(
      channelId,
      rows.map((r) => mmHistory(channelId, r)),
    );
  }
  return {
    batchNumber: options.batchNumber ?? 1,
    batchStart: options.batchStart,
    batchEnd: options.batchEnd,
    jobStartTime: options.jobStartTime ?? 0,
    exportPeriodStart: options.exportPeriodStart ?? options.batchStart,
    jobEndTime: options.jobEndTime ?? options.batchEnd,
    posts: (options.posts ?? []).map(mmPost),
    filesByPost,
    channels: new Map((options.channels ?? []).map((c) => [c.id, c])),
    memberHistory,
    exportAttachments: options.exportAttachments ?? true,
  };
}

/**
 * Attachments by FileInfo.Path: a Buffer is the file's bytes, "missing" makes open reject, and
 * "broken" opens a stream that fails after its first chunk. Anything else is an empty file (like
 * Mattermost's tests, which write empty files).
 */
export function attachmentStore(
  files: Record<string, Buffer | "missing" | "broken"> = {},
): OpenAttachment & { opened: string[] } {
  const opened: string[] = [];
  const open = async (file: ExportFileInfo): Promise<NodeJS.ReadableStream> => {
    opened.push(file.path);
    const content = files[file.path];
    if (content === "missing") throw new Error(`no such file: ${file.path}`);
    if (content === "broken") {
      return new Readable({
        read() {
          this.push(Buffer.from("partial"));
          this.destroy(new Error("read failed"));
        },
      });
    }
    return Readable.from([content ?? Buffer.alloc(0)]);
  };
  return Object.assign(open, { opened });
}
