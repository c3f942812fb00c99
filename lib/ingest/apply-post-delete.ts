import type { WriteSql } from "../db/write-connection.ts";
import type { PostDeletedEvent } from "./schema.ts";
import { ConcurrentChangeError, RecordApplyError } from "./types.ts";
import { POST, selectByKeys, updateRows, type Row } from "./write/row-tables.ts";

/**
 * A deletion as Mattermost's store makes it: delete_at = update_at = the time and props.deleteBy =
 * who, on the post and its live replies; the FileInfos of those posts get the same delete_at.
 * A post already deleted is left as it is (replays change nothing). Returns a warning, if any.
 */
export async function applyPostDelete(
  sql: WriteSql,
  options: { index: number; event: PostDeletedEvent },
): Promise<string | undefined> {
  const { index, event } = options;
  const deleteAt = event.delete_at;
  const post = (await selectByKeys(sql, POST, [[event.post_id]])).get(event.post_id);
  if (!post)
    throw new RecordApplyError(
      index,
      "post_deleted.post_id",
      `no post with id "${event.post_id}"; send the post before its deletion`,
    );
  if ((post.deleteAt as number) > 0) {
    return post.deleteAt === deleteAt
      ? undefined
      : `post ${post.id} was already deleted at ${post.deleteAt}; kept that deletion`;
  }
  if (deleteAt < (post.createAt as number))
    throw new RecordApplyError(
      index,
      "post_deleted.delete_at",
      `is before the post's create_at (${post.createAt})`,
    );

  // Only live rows: earlier versions of edited replies share the root id and must keep their shape.
  const replies =
    post.rootId === ""
      ? ((await sql.all(
          `SELECT "id", "props", "updateAt" FROM "Post" WHERE "rootId" = $1 AND "deleteAt" = 0`,
          [post.id],
        )) as Row[])
      : [];
  const rows = [post, ...replies];
  const updates = rows.map((row) => ({
    row: {
      id: row.id as string,
      deleteAt,
      updateAt: deleteAt,
      props: JSON.stringify({
        ...(JSON.parse(row.props as string) as Record<string, unknown>),
        deleteBy: event.deleted_by,
      }),
    },
    guard: row.updateAt as number,
  }));
  const count = await updateRows(sql, POST, updates, { set: ["deleteAt", "updateAt", "props"] });
  if (count !== rows.length)
    throw new ConcurrentChangeError(
      `post "${post.id}" or a reply changed while a deletion was applied`,
    );
  const ids = rows.map((r) => r.id as string);
  const inList =
    sql.dialect === "sqlite" ? `IN (SELECT value FROM json_each($3))` : `= ANY($3::text[])`;
  await sql.run(
    `UPDATE "FileInfo" SET "deleteAt" = $1, "updateAt" = $2 WHERE "postId" ${inList} AND "deleteAt" = 0`,
    [deleteAt, deleteAt, sql.dialect === "sqlite" ? JSON.stringify(ids) : ids],
  );
  return undefined;
}
