import type { WriteSql } from "../db/write-connection.ts";
import { derivedId } from "../ids/ids.ts";
import type { PostEditedEvent } from "./schema.ts";
import { ConcurrentChangeError, RecordApplyError } from "./types.ts";
import { insertRows, POST, selectByKeys, updateRows } from "./write/row-tables.ts";

/** The id of the row that keeps the text before this edit. */
export function postVersionId(event: PostEditedEvent): string {
  return event.new_version_id ?? derivedId("post-version", event.post_id, event.edit_at);
}

/**
 * An edit stored as Mattermost stores it (EXPORT-FORMATS.md 3.3): the live row keeps its id and
 * gets the new message, edit_at = update_at = edit time; the old text is kept in a new row
 * (new_version_id) with original_id = the live id and delete_at = update_at = edit time.
 * Replaying the same edit changes nothing. Returns a warning, if any.
 */
export async function applyPostEdit(
  sql: WriteSql,
  options: { index: number; event: PostEditedEvent },
): Promise<string | undefined> {
  const { index, event } = options;
  const editAt = event.edit_at;
  const versionId = postVersionId(event);
  const fail = (field: string, message: string) =>
    new RecordApplyError(index, `post_edited.${field}`, message);

  const rows = await selectByKeys(sql, POST, [[versionId], [event.post_id]]);
  const version = rows.get(versionId);
  if (version) {
    if (version.originalId === event.post_id) return undefined;
    throw fail("new_version_id", `"${versionId}" is already the id of another post`);
  }
  const live = rows.get(event.post_id);
  if (!live)
    throw fail("post_id", `no post with id "${event.post_id}"; send the post before its edits`);
  const [createAt, liveEditAt, updateAt] = [
    live.createAt as number,
    live.editAt as number,
    live.updateAt as number,
  ];
  if (live.originalId !== "")
    throw fail(
      "post_id",
      `"${event.post_id}" is an earlier version of post "${live.originalId}", not a live post`,
    );
  if ((live.deleteAt as number) > 0)
    throw fail("post_id", `post "${event.post_id}" is deleted and cannot be edited`);
  if (editAt < createAt) throw fail("edit_at", `is before the post's create_at (${createAt})`);
  if (editAt < liveEditAt)
    throw fail("edit_at", `is before the post's last edit (${liveEditAt}); send edits in order`);
  if (editAt === liveEditAt && event.message === live.message)
    return `post ${live.id} already shows the edit at ${editAt}; no earlier version recorded`;

  // Only the data columns are copied: the change feed's triggers stamp the new row.
  await insertRows(sql, POST, [
    { ...live, id: versionId, originalId: event.post_id, deleteAt: editAt, updateAt: editAt },
  ]);
  // Guarded on updateAt: if another batch changed the post meanwhile, this batch runs again.
  const count = await updateRows(
    sql,
    POST,
    [
      {
        row: { id: event.post_id, message: event.message, editAt, updateAt: editAt },
        guard: updateAt,
      },
    ],
    {
      set: ["message", "editAt", "updateAt"],
    },
  );
  if (count !== 1)
    throw new ConcurrentChangeError(`post "${event.post_id}" changed while an edit was applied`);
  return undefined;
}
