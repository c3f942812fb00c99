import {
  MAX_FILE_IDS,
  MAX_ID_LENGTH,
  MAX_MESSAGE_BYTES,
  MAX_PROPS_BYTES,
  MAX_TEXT_LENGTH,
  type PostRecord,
} from "./schema.ts";

// Issue 14: most ingested records are plain posts, and the schema (schema.ts, zod) costs about as
// much per record as writing it. A plain post is checked here directly; the result is exactly what
// ZPost gives. Anything this does not recognise as valid (a time as a string, a null time, a long
// message, a bad id…) returns undefined, and the schema checks it and words the errors.

const isId = (v: unknown, empty: boolean): v is string =>
  typeof v === "string" &&
  v.length <= MAX_ID_LENGTH &&
  (empty || v.length > 0) &&
  !v.includes("\u0000") &&
  !v.includes("/") &&
  !v.includes("\\") &&
  v !== "." &&
  v !== "..";
const isTime = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string =>
  typeof v === "string" && v.length <= MAX_TEXT_LENGTH && !v.includes("\u0000");
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The parsed post of `{"type": "post", "post": {...}}`'s body when it is plainly valid; undefined: ask the schema. */
export function parsePlainPost(body: unknown): PostRecord | undefined {
  if (!isPlainObject(body)) return undefined;
  const {
    id,
    channel_id,
    user_id,
    create_at,
    update_at,
    edit_at,
    delete_at,
    message,
    type,
    props,
    root_id,
    original_id,
    file_ids,
    hashtags,
  } = body;
  if (!isId(id, false) || !isId(channel_id, false) || !isId(user_id, false) || !isTime(create_at))
    return undefined;
  if (
    (update_at !== undefined && !isTime(update_at)) ||
    (edit_at !== undefined && !isTime(edit_at)) ||
    (delete_at !== undefined && !isTime(delete_at))
  )
    return undefined;
  // A UTF-16 unit is at most 3 bytes of UTF-8: under this, the byte limit cannot be reached.
  if (
    typeof message !== "string" ||
    message.length * 3 > MAX_MESSAGE_BYTES ||
    message.includes("\u0000")
  )
    return undefined;
  if ((type !== undefined && !isText(type)) || (hashtags !== undefined && !isText(hashtags)))
    return undefined;
  if (
    (root_id !== undefined && !isId(root_id, true)) ||
    (original_id !== undefined && !isId(original_id, true))
  )
    return undefined;
  if (props !== undefined && props !== null) {
    if (!isPlainObject(props)) return undefined;
    for (const _ in props) {
      if (Buffer.byteLength(JSON.stringify(props), "utf8") > MAX_PROPS_BYTES) return undefined;
      break;
    }
  }
  let fileIds: string[] = [];
  if (file_ids !== undefined && file_ids !== null) {
    if (
      !Array.isArray(file_ids) ||
      file_ids.length > MAX_FILE_IDS ||
      !file_ids.every((f) => isId(f, false))
    )
      return undefined;
    fileIds = [...(file_ids as string[])];
  }
  // The schema's key order (the times left out come last, as its transform adds them), so that
  // everything reading the record in order (the warnings) sees the same.
  const post: Record<string, unknown> = { id, channel_id, user_id, create_at };
  if (update_at !== undefined) post.update_at = update_at;
  if (edit_at !== undefined) post.edit_at = edit_at;
  if (delete_at !== undefined) post.delete_at = delete_at;
  post.message = message;
  post.type = type ?? "";
  post.props = props ?? {};
  post.root_id = root_id ?? "";
  post.original_id = original_id ?? "";
  post.file_ids = fileIds;
  post.hashtags = hashtags ?? "";
  if (update_at === undefined) post.update_at = create_at;
  if (edit_at === undefined) post.edit_at = 0;
  if (delete_at === undefined) post.delete_at = 0;
  return post as PostRecord;
}
