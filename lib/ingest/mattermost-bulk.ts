import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import type { SourceItem } from "./apply-record-stream.ts";
import { derivedId } from "../ids/ids.ts";
import { mimeTypeOf } from "./mime-type.ts";
import { resolveSourceFile } from "./resolve-source-file.ts";
import {
  nullAsDefault,
  ZEpochMs,
  ZMessage,
  ZName,
  ZOptionalText,
  ZProps,
  ZText,
  type IngestRecordInput,
} from "./schema.ts";

/**
 * Mattermost bulk export (`mmctl export`, JSON lines; server/channels/app/imports/import_types.go)
 * → ingest records. The format has no ids, so ids are derived from names (ids.ts derivedId):
 *   team        "mm-team"    + team name
 *   channel     "mm-channel" + team name + channel name
 *   DM / GM     "mm-direct"  + the members' usernames, sorted
 *   user / bot  "mm-user"    + username
 *   post        "mm-post"    + channel id + username + create_at + message + root id
 *   attachment  "mm-file"    + post id + position + path
 * so importing the same file again changes nothing. Membership has no time in the format: a
 * member's join_time is the time of the channel's first post in the file (0 if it has none).
 */

// Mattermost writes an empty list or map, and an unset optional value, as null (see nullAsDefault).
const ZAttachments = nullAsDefault(
  z.array(z.object({ path: ZText.min(1, "must not be empty") })).default(() => []),
);
const ZBulkText = nullAsDefault(ZOptionalText);
const ZBulkTime = nullAsDefault(ZEpochMs.optional());

const messageFields = {
  user: ZName,
  type: ZBulkText,
  message: nullAsDefault(ZMessage.default("")),
  props: ZProps,
  create_at: ZEpochMs,
  edit_at: ZBulkTime,
  attachments: ZAttachments,
  // reactions, flagged_by, is_pinned, thread followers: not part of an archive, accepted and ignored.
};

const ZReply = z.object(messageFields);

const postFields = { ...messageFields, replies: nullAsDefault(z.array(ZReply).default(() => [])) };

const ZUsernames = z
  .array(ZName)
  .min(1, "must list the members")
  .max(8, "a group message has at most 8 members");

export const ZBulkLine = z.discriminatedUnion("type", [
  z.object({ type: z.literal("version"), version: z.number() }),
  z.object({
    type: z.literal("team"),
    team: z.object({
      name: ZName,
      display_name: ZBulkText,
      type: nullAsDefault(z.enum(["O", "I"]).default("O")),
    }),
  }),
  z.object({
    type: z.literal("channel"),
    channel: z.object({
      team: ZName,
      name: ZName,
      display_name: ZBulkText,
      type: z.enum(["O", "P"], { error: 'must be "O" (public) or "P" (private)' }),
      deleted_at: ZBulkTime,
    }),
  }),
  z.object({
    type: z.literal("user"),
    user: z.object({
      username: ZName,
      email: ZBulkText,
      nickname: ZBulkText,
      first_name: ZBulkText,
      last_name: ZBulkText,
      delete_at: ZBulkTime,
      teams: nullAsDefault(
        z
          .array(
            z.object({
              name: ZName,
              channels: nullAsDefault(z.array(z.object({ name: ZName })).default(() => [])),
            }),
          )
          .default(() => []),
      ),
    }),
  }),
  z.object({
    type: z.literal("bot"),
    bot: z.object({ username: ZName, display_name: ZBulkText, delete_at: ZBulkTime }),
  }),
  z.object({
    type: z.literal("post"),
    post: z.object({ team: ZName, channel: ZName, ...postFields }),
  }),
  z.object({
    type: z.literal("direct_channel"),
    direct_channel: z
      .object({
        members: nullAsDefault(ZUsernames.optional()),
        participants: nullAsDefault(z.array(z.object({ username: ZName })).optional()),
      })
      .refine((d) => d.members || d.participants, { message: "needs members or participants" }),
  }),
  z.object({
    type: z.literal("direct_post"),
    direct_post: z.object({ channel_members: ZUsernames, ...postFields }),
  }),
  // Not part of a compliance archive; accepted and skipped.
  z.object({ type: z.enum(["emoji", "scheme", "role"]) }),
]);

type BulkPostFields = z.output<z.ZodObject<typeof postFields>>;
type BulkReply = z.output<typeof ZReply>;

export type BulkContext = {
  filesDir?: string;
  /** Channel id → create_at of its first post in the file (from scanBulkChannelTimes). */
  firstPostAt: Map<string, number>;
  sawVersion: boolean;
  /** Direct/group channels already emitted in this pass. */
  directChannels: Set<string>;
};

export const teamId = (team: string) => derivedId("mm-team", team);
export const channelId = (team: string, channel: string) => derivedId("mm-channel", team, channel);
export const userId = (username: string) => derivedId("mm-user", username);
export const directChannelId = (usernames: string[]) =>
  derivedId("mm-direct", ...[...usernames].sort());

/** The records one bulk line becomes (index = its line number), or the problems found in it. */
export async function convertBulkLine(
  value: unknown,
  lineNumber: number,
  context: BulkContext,
): Promise<SourceItem[]> {
  const problem = (field: string, message: string): SourceItem[] => [
    { index: lineNumber, problem: { field, message } },
  ];
  const type =
    typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (!context.sawVersion && type !== "version")
    return problem(
      "type",
      'the first line must be the version line {"type":"version","version":1}',
    );
  const nul = replaceNul(value);
  const parsed = ZBulkLine.safeParse(nul.value);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      index: lineNumber,
      problem: {
        field: issue.path.map(String).join(".") || "type",
        message: bulkIssueMessage(issue),
      },
    }));
  }
  const line = parsed.data;
  const out: SourceItem[] = [];
  if (nul.fields.length > 0)
    out.push({
      index: lineNumber,
      warning: `NUL character(s) in ${nul.fields.join(", ")} stored as U+FFFD (the replacement character): PostgreSQL text cannot hold NUL`,
    });
  const emit = (record: IngestRecordInput) => out.push({ index: lineNumber, value: record });
  const joinTime = (channel: string) => context.firstPostAt.get(channel) ?? 0;

  switch (line.type) {
    case "version":
      if (line.version !== 1)
        return problem("version", `is ${line.version}; only version 1 of the bulk format is known`);
      context.sawVersion = true;
      break;
    case "emoji":
    case "scheme":
    case "role":
      out.push({ index: lineNumber, warning: `"${line.type}" lines are not archived; skipped` });
      break;
    case "team": {
      const t = line.team;
      emit({
        type: "team",
        team: { id: teamId(t.name), name: t.name, display_name: t.display_name, type: t.type },
      });
      break;
    }
    case "channel": {
      const c = line.channel;
      const id = channelId(c.team, c.name);
      const at = joinTime(id);
      emit({
        type: "channel",
        channel: {
          id,
          team_id: teamId(c.team),
          type: c.type,
          name: c.name,
          display_name: c.display_name,
          create_at: at,
          delete_at: c.deleted_at ?? 0,
        },
      });
      break;
    }
    case "user": {
      const u = line.user;
      const id = userId(u.username);
      const { teams, delete_at, ...profile } = u;
      emit({ type: "user", user: { id, ...profile, is_bot: false, delete_at: delete_at ?? 0 } });
      for (const team of teams) {
        for (const ch of team.channels) {
          const channel = channelId(team.name, ch.name);
          emit({
            type: "channel_member_history",
            channel_member_history: {
              channel_id: channel,
              user_id: id,
              join_time: joinTime(channel),
            },
          });
        }
      }
      break;
    }
    case "bot": {
      const b = line.bot;
      // Mattermost's own bot users: first name = display name, email "<username>@localhost".
      emit({
        type: "user",
        user: {
          id: userId(b.username),
          username: b.username,
          email: `${b.username.toLowerCase()}@localhost`,
          first_name: b.display_name,
          is_bot: true,
          delete_at: b.delete_at ?? 0,
        },
      });
      break;
    }
    case "direct_channel":
      emitDirectChannel(
        line.direct_channel.members ?? line.direct_channel.participants!.map((p) => p.username),
      );
      break;
    case "post":
      await emitPost(line.post, channelId(line.post.team, line.post.channel));
      break;
    case "direct_post": {
      const members = line.direct_post.channel_members;
      const channel = directChannel(members);
      // mmctl writes direct_channel lines first; Mattermost's importer also creates a missing one.
      if (!context.directChannels.has(channel.id)) emitDirectChannel(members);
      await emitPost(line.direct_post, channel.id);
      break;
    }
  }
  return out;

  function emitDirectChannel(usernames: string[]): void {
    const channel = directChannel(usernames);
    context.directChannels.add(channel.id);
    emit({
      type: "channel",
      channel: { ...channel, create_at: joinTime(channel.id), delete_at: 0 },
    });
    for (const member of new Set(usernames)) {
      emit({
        type: "channel_member_history",
        channel_member_history: {
          channel_id: channel.id,
          user_id: userId(member),
          join_time: joinTime(channel.id),
        },
      });
    }
  }

  async function emitPost(post: BulkPostFields, channel: string): Promise<void> {
    const rootId = await emitOne(post, channel, "");
    for (const reply of post.replies) await emitOne(reply, channel, rootId);
  }

  async function emitOne(
    post: BulkPostFields | BulkReply,
    channel: string,
    rootId: string,
  ): Promise<string> {
    const id = derivedId("mm-post", channel, post.user, post.create_at, post.message, rootId);
    const fileIds: string[] = [];
    for (const [position, attachment] of post.attachments.entries()) {
      const fileId = derivedId("mm-file", id, position, attachment.path);
      fileIds.push(fileId);
      const name = path.posix.basename(attachment.path.replaceAll("\\", "/"));
      const { extension, mimeType } = mimeTypeOf(name);
      let size = 0;
      if (context.filesDir) {
        // A bad path is reported by record validation; a missing file there too, as a warning.
        const source = await resolveSourceFile({
          filesDir: context.filesDir,
          relativePath: attachment.path,
        });
        if (source.ok) size = source.size;
      } else {
        out.push({
          index: lineNumber,
          warning: `attachment "${attachment.path}" recorded without its bytes (no files directory given)`,
        });
      }
      emit({
        type: "file_info",
        file_info: {
          id: fileId,
          post_id: id,
          creator_id: userId(post.user),
          channel_id: channel,
          name,
          path: attachment.path,
          size,
          mime_type: mimeType,
          extension,
          create_at: post.create_at,
          delete_at: 0,
        },
      });
    }
    const editAt = post.edit_at ?? 0;
    emit({
      type: "post",
      post: {
        id,
        channel_id: channel,
        user_id: userId(post.user),
        create_at: post.create_at,
        update_at: Math.max(post.create_at, editAt),
        edit_at: editAt,
        delete_at: 0,
        message: post.message,
        type: post.type,
        props: post.props,
        root_id: rootId,
        original_id: "",
        file_ids: fileIds,
      },
    });
    return id;
  }
}

/**
 * A bulk export's text may hold NUL (a group message of a real export did), which PostgreSQL text
 * cannot store. Every NUL in a string or key is replaced by U+FFFD, the replacement character —
 * what CommonMark (Mattermost's renderer) shows for it — on SQLite and PostgreSQL alike; the line
 * gets a warning naming the fields. Other control characters are stored as they are.
 */
export function replaceNul(value: unknown): { value: unknown; fields: string[] } {
  const fields: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === "string") {
      if (!v.includes("\u0000")) return v;
      fields.push(path || "(line)");
      return v.replaceAll("\u0000", "\uFFFD");
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}.${i}`));
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(v)) {
        const name = key.includes("\u0000")
          ? (fields.push(`${path}.${JSON.stringify(key)} (a key)`),
            key.replaceAll("\u0000", "\uFFFD"))
          : key;
        Object.defineProperty(out, name, {
          value: walk(child, path ? `${path}.${key}` : key),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return v;
  };
  const cleaned = walk(value, "");
  return {
    value: fields.length > 0 ? cleaned : value,
    fields: fields.map((f) => f.replace(/^\./, "")),
  };
}

/** A direct (2 usernames) or group (3 to 8) channel, named the way Mattermost names them. */
function directChannel(usernames: string[]) {
  const ids = [...new Set(usernames)].map(userId).sort();
  const id = directChannelId(usernames);
  if (usernames.length === 2) {
    return {
      id,
      team_id: "",
      type: "D" as const,
      name: ids.length === 1 ? `${ids[0]}__${ids[0]}` : ids.join("__"),
      display_name: "",
    };
  }
  const name = createHash("sha1").update(ids.join(",")).digest("hex");
  return {
    id,
    team_id: "",
    type: "G" as const,
    name,
    display_name: [...usernames].sort().join(", "),
  };
}

function bulkIssueMessage(issue: z.core.$ZodIssue): string {
  if (
    issue.code === "invalid_union" &&
    (issue as { note?: string }).note === "No matching discriminator"
  )
    return "unknown line type (expected version, team, channel, user, bot, post, direct_channel, direct_post, emoji, scheme or role)";
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message))
    return "is required";
  return issue.message;
}
