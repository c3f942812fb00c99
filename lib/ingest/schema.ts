import { z } from "zod";
import { isTimeZone } from "../settings/schema.ts";

/**
 * Ingest records: Mattermost REST API JSON (snake_case), one `{"type": T, T: {...}}` object per
 * record. Unknown keys are ignored, so whole Mattermost objects can be sent as they are. Omitted
 * optional fields take Mattermost's defaults; the parsed output always has every field.
 */

export const MAX_ID_LENGTH = 64;
/** Names, emails, paths, mime types…: generous, far above Mattermost's own limits. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_MESSAGE_BYTES = 1_048_576;
export const MAX_PROPS_BYTES = 1_048_576;
export const MAX_FILE_IDS = 1000;

export const NUL_MESSAGE =
  "must not contain the NUL character (\\u0000); PostgreSQL text cannot store it";

const hasNoNul = (s: string) => !s.includes("\u0000");

/**
 * Ids end up in export file and entry names, and paths are written into export zips verbatim
 * (Mattermost parity): what could never be exported safely is refused at the door (issue 8 §3).
 */
export const UNSAFE_ID_MESSAGE =
  'must not contain "/" or "\\", nor be "." or ".."; ids become parts of export file names';
export const isSafeId = (s: string) => !/[\\/]/.test(s) && s !== "." && s !== "..";
export function unsafePathProblem(p: string): string | undefined {
  if (p.includes("\u0000")) return NUL_MESSAGE;
  const quoted = JSON.stringify(p.length > 200 ? `${p.slice(0, 200)}…` : p);
  if (p.includes("\\"))
    return `${quoted} must not contain "\\" (a backslash); use "/" between folders`;
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p))
    return `${quoted} must be a relative path, not an absolute path`;
  if (p.split("/").includes("..")) return `${quoted} must not contain ".." segments`;
  return undefined;
}

function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? "is required" : `must be ${expected}`;
}

export const ZId = z
  .string({ error: typeError("a string id") })
  .min(1, "must not be empty")
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isSafeId, UNSAFE_ID_MESSAGE);

/** An id that may be "" (a DM's team, a reply-less post's root). */
const ZOptionalId = z
  .string({ error: typeError("a string id") })
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isSafeId, UNSAFE_ID_MESSAGE)
  .default("");

export const ZText = z
  .string({ error: typeError("a string") })
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`)
  .refine(hasNoNul, NUL_MESSAGE);
export const ZOptionalText = ZText.default("");
export const ZName = ZText.min(1, "must not be empty");

export const ZMessage = z
  .string({ error: typeError("a string") })
  .refine(hasNoNul, NUL_MESSAGE)
  .superRefine((value, ctx) => {
    // Cheap upper bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
    if (value.length * 3 <= MAX_MESSAGE_BYTES) return;
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > MAX_MESSAGE_BYTES)
      ctx.addIssue({
        code: "custom",
        message: `is ${bytes} bytes of UTF-8; the limit is ${MAX_MESSAGE_BYTES} bytes (1 MiB)`,
      });
  });

/** Epoch milliseconds: a non-negative safe integer, or a string of decimal digits. */
export const ZEpochMs = z.unknown().transform((value, ctx): number => {
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (value === undefined) return fail("is required");
  const n = typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER)
    return fail(
      `must be a non-negative integer number of epoch milliseconds (got ${describe(value)})`,
    );
  return n;
});
const ZOptionalTime = ZEpochMs.optional();

const ZSize = z
  .number({ error: typeError("a number of bytes") })
  .int("must be a whole number of bytes")
  .min(0, "must not be negative")
  .max(Number.MAX_SAFE_INTEGER)
  .default(0);

const ZBool = z.boolean({ error: typeError("true or false") });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `null` read as "left out" (then the default applies): Go's JSON marshalling writes an empty
 * (nil) slice or map as null, so Mattermost sends `"file_ids": null`, `"props": null`, …
 */
export const nullAsDefault = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema);

// Props are kept verbatim (a "__proto__" key included), so a hand-rolled check rather than z.record.
const ZPropsObject = z
  .custom<Record<string, unknown>>(isPlainObject, { error: typeError("a JSON object") })
  .superRefine((value, ctx) => {
    const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
    if (bytes > MAX_PROPS_BYTES)
      ctx.addIssue({
        code: "custom",
        message: `is ${bytes} bytes as JSON; the limit is ${MAX_PROPS_BYTES}`,
      });
  })
  .default(() => ({}));
export const ZProps = nullAsDefault(ZPropsObject);

function describe(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return String(value);
}

// ---- records ----------------------------------------------------------------------------------

export const ZTeam = z
  .object({
    id: ZId,
    name: ZName,
    display_name: ZOptionalText,
    type: z.enum(["O", "I"], { error: typeError('"O" (open) or "I" (invite only)') }).default("O"),
    create_at: ZOptionalTime,
    update_at: ZOptionalTime,
    delete_at: ZOptionalTime,
  })
  .transform((t) => ({
    ...t,
    create_at: t.create_at ?? 0,
    update_at: t.update_at ?? t.create_at ?? 0,
    delete_at: t.delete_at ?? 0,
  }));

export const ZChannel = z
  .object({
    id: ZId,
    team_id: ZOptionalId,
    type: z.enum(["O", "P", "D", "G"], {
      error: typeError("O (public), P (private), D (direct) or G (group)"),
    }),
    name: ZName,
    display_name: ZOptionalText,
    create_at: ZOptionalTime,
    update_at: ZOptionalTime,
    delete_at: ZOptionalTime,
  })
  .superRefine((c, ctx) => {
    if ((c.type === "O" || c.type === "P") && c.team_id === "")
      ctx.addIssue({
        code: "custom",
        path: ["team_id"],
        message: "is required for public (O) and private (P) channels",
      });
  })
  .transform((c) => ({
    ...c,
    create_at: c.create_at ?? 0,
    update_at: c.update_at ?? c.create_at ?? 0,
    delete_at: c.delete_at ?? 0,
  }));

export const ZUser = z
  .object({
    id: ZId,
    username: ZName,
    // Stored as the source had it; a malformed address is a warning (validate-record.ts), not a refusal.
    email: ZOptionalText,
    first_name: ZOptionalText,
    last_name: ZOptionalText,
    nickname: ZOptionalText,
    is_bot: ZBool.default(false),
    create_at: ZOptionalTime,
    update_at: ZOptionalTime,
    delete_at: ZOptionalTime,
  })
  .transform((u) => ({
    ...u,
    create_at: u.create_at ?? 0,
    update_at: u.update_at ?? u.create_at ?? 0,
    delete_at: u.delete_at ?? 0,
  }));

export const ZChannelMemberHistory = z
  .object({
    channel_id: ZId,
    user_id: ZId,
    join_time: ZEpochMs,
    /** null or omitted: still a member. */
    leave_time: ZEpochMs.nullable().optional(),
  })
  .superRefine((h, ctx) => {
    if (h.leave_time != null && h.leave_time < h.join_time)
      ctx.addIssue({
        code: "custom",
        path: ["leave_time"],
        message: "must not be before join_time",
      });
  })
  .transform((h) => ({ ...h, leave_time: h.leave_time ?? null }));

export const ZPost = z
  .object({
    id: ZId,
    channel_id: ZId,
    user_id: ZId,
    create_at: ZEpochMs,
    update_at: ZOptionalTime,
    edit_at: ZOptionalTime,
    delete_at: ZOptionalTime,
    message: ZMessage,
    type: ZOptionalText,
    props: ZProps,
    root_id: ZOptionalId,
    original_id: ZOptionalId,
    file_ids: nullAsDefault(
      z
        .array(ZId, { error: typeError("an array of file ids") })
        .max(MAX_FILE_IDS)
        .default(() => []),
    ),
    hashtags: ZOptionalText,
  })
  .transform((p) => ({
    ...p,
    update_at: p.update_at ?? p.create_at,
    edit_at: p.edit_at ?? 0,
    delete_at: p.delete_at ?? 0,
  }));

export const ZFileInfo = z
  .object({
    id: ZId,
    post_id: ZOptionalId,
    creator_id: ZOptionalId,
    channel_id: ZOptionalId,
    name: ZName,
    /** The source system's path; with a files directory, where the bytes are (relative to it). */
    path: ZText.superRefine((p, ctx) => {
      const problem = unsafePathProblem(p);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }).default(""),
    size: ZSize,
    mime_type: ZOptionalText,
    extension: ZOptionalText,
    create_at: ZOptionalTime,
    update_at: ZOptionalTime,
    delete_at: ZOptionalTime,
  })
  .transform((f) => ({
    ...f,
    create_at: f.create_at ?? 0,
    update_at: f.update_at ?? f.create_at ?? 0,
    delete_at: f.delete_at ?? 0,
  }));

// ---- events -----------------------------------------------------------------------------------

export const ZPostCreated = z.object({ post: ZPost });

/** Stored the Mattermost way: see apply-post-edit.ts. */
export const ZPostEdited = z.object({
  post_id: ZId,
  message: ZMessage,
  edit_at: ZEpochMs,
  /** Id of the row that keeps the old text; default derived from post_id and edit_at. */
  new_version_id: ZId.optional(),
});

export const ZPostDeleted = z.object({ post_id: ZId, delete_at: ZEpochMs, deleted_by: ZId });

export const ZMemberJoined = z.object({ channel_id: ZId, user_id: ZId, time: ZEpochMs });
export const ZMemberLeft = z.object({ channel_id: ZId, user_id: ZId, time: ZEpochMs });

// ---- attestations ---------------------------------------------------------------------------

const ZCount = z
  .number({ error: typeError("a whole number") })
  .int("must be a whole number")
  .min(0, "must not be negative")
  .max(2_000_000_000);

/** "This many posts and files existed in this channel on this day" (docs/ingest.md, Source attestations). */
export const ZAttestation = z.object({
  channel_id: ZId,
  day: z
    .string({ error: typeError("a date YYYY-MM-DD") })
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
    .refine(
      (d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
      "is not a calendar date",
    ),
  time_zone: z
    .string({ error: typeError("an IANA time zone") })
    .refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin or UTC"),
  posts: ZCount,
  files: ZCount.default(0),
});

export const RECORD_SCHEMAS = {
  team: ZTeam,
  channel: ZChannel,
  user: ZUser,
  channel_member_history: ZChannelMemberHistory,
  post: ZPost,
  file_info: ZFileInfo,
  post_created: ZPostCreated,
  post_edited: ZPostEdited,
  post_deleted: ZPostDeleted,
  member_joined: ZMemberJoined,
  member_left: ZMemberLeft,
  attestation: ZAttestation,
} as const;

export type RecordType = keyof typeof RECORD_SCHEMAS;
export const RECORD_TYPES = Object.keys(RECORD_SCHEMAS) as RecordType[];

function recordOf<T extends RecordType>(type: T) {
  return z.object({ type: z.literal(type), [type]: RECORD_SCHEMAS[type] } as {
    type: z.ZodLiteral<T>;
  } & {
    [K in T]: (typeof RECORD_SCHEMAS)[T];
  });
}

export const ZIngestRecord = z.discriminatedUnion("type", [
  recordOf("team"),
  recordOf("channel"),
  recordOf("user"),
  recordOf("channel_member_history"),
  recordOf("post"),
  recordOf("file_info"),
  recordOf("post_created"),
  recordOf("post_edited"),
  recordOf("post_deleted"),
  recordOf("member_joined"),
  recordOf("member_left"),
  recordOf("attestation"),
]);

export type TeamRecord = z.output<typeof ZTeam>;
export type ChannelRecord = z.output<typeof ZChannel>;
export type UserRecord = z.output<typeof ZUser>;
export type ChannelMemberHistoryRecord = z.output<typeof ZChannelMemberHistory>;
export type PostRecord = z.output<typeof ZPost>;
export type FileInfoRecord = z.output<typeof ZFileInfo>;
export type PostCreatedEvent = z.output<typeof ZPostCreated>;
export type PostEditedEvent = z.output<typeof ZPostEdited>;
export type PostDeletedEvent = z.output<typeof ZPostDeleted>;
export type MemberJoinedEvent = z.output<typeof ZMemberJoined>;
export type MemberLeftEvent = z.output<typeof ZMemberLeft>;
export type AttestationRecord = z.output<typeof ZAttestation>;
/** A parsed record: every field present, defaults applied. */
export type IngestRecord = z.output<typeof ZIngestRecord>;
/** What a client may send (optional fields may be left out). */
export type IngestRecordInput = z.input<typeof ZIngestRecord>;
