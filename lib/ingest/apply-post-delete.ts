import type { Tx } from "../db/client.ts";
import type { PostDeletedEvent } from "./schema.ts";
import { ConcurrentChangeError, RecordApplyError } from "./types.ts";

/**
 * A deletion as Mattermost's store makes it: delete_at = update_at = the time and props.deleteBy =
 * who, on the post and its live replies; the FileInfos of those posts get the same delete_at.
 * A post already deleted is left as it is (replays change nothing). Returns a warning, if any.
 */
export async function applyPostDelete(tx: Tx, options: { index: number; event: PostDeletedEvent }): Promise<string | undefined> {
  const { index, event } = options;
  const deleteAt = BigInt(event.delete_at);
  const post = await tx.post.findUnique({ where: { id: event.post_id } });
  if (!post) throw new RecordApplyError(index, "post_deleted.post_id", `no post with id "${event.post_id}"; send the post before its deletion`);
  if (post.deleteAt > 0n) {
    return post.deleteAt === deleteAt ? undefined : `post ${post.id} was already deleted at ${post.deleteAt}; kept that deletion`;
  }
  if (deleteAt < post.createAt)
    throw new RecordApplyError(index, "post_deleted.delete_at", `is before the post's create_at (${post.createAt})`);

  // Only live rows: earlier versions of edited replies share the root id and must keep their shape.
  const replies = post.rootId === "" ? await tx.post.findMany({ where: { rootId: post.id, deleteAt: 0n } }) : [];
  for (const row of [post, ...replies]) {
    const props = { ...(JSON.parse(row.props) as Record<string, unknown>), deleteBy: event.deleted_by };
    const { count } = await tx.post.updateMany({
      where: { id: row.id, updateAt: row.updateAt },
      data: { deleteAt, updateAt: deleteAt, props: JSON.stringify(props) },
    });
    if (count !== 1) throw new ConcurrentChangeError(`post "${row.id}" changed while a deletion was applied`);
  }
  await tx.fileInfo.updateMany({
    where: { postId: { in: [post.id, ...replies.map((r) => r.id)] }, deleteAt: 0n },
    data: { deleteAt, updateAt: deleteAt },
  });
  return undefined;
}
