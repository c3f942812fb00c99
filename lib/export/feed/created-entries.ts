import { readRows } from "../../db/sql.ts";
import type { ExportPost } from "../model.ts";
import { isDeletedMessage, isEditedOriginalMessage } from "../prepare/post-entries.ts";
import type { Key } from "../plan/export-plan.ts";
import { compareKeys, type FeedCursor } from "./feed-cursor.ts";

/** What an earlier batch of the policy read: its watermark, what its page read saw, its key range. */
type ReadBatch = { readSeq: number; feedTo: number; from: Key; to: Key };

/**
 * Mattermost gives a deleted post an extra "created" entry when it was created inside the job's
 * window (CreateAt >= job start): a post created and deleted between two runs must still show its
 * creation. With the change feed the question is asked exactly: did any earlier batch of this policy
 * read the post while it was live? A batch did if its page read (which saw the feed counter at
 * `readSeq`) came after the post existed and before its deletion, the live version was within the
 * batch's watermark, and the post's key then fell in the batch's key range. The live version at a
 * read is the last live one (`liveSeq`, `liveUpdateAt`) if the read came after it, else the first
 * (`createSeq`, `createAt`). Posts created before the policy's export-from moment never get one.
 */
export async function markCreatedEntries(options: {
  posts: ExportPost[];
  policyId: string;
  exportFrom: number;
  cursor: FeedCursor;
}): Promise<void> {
  const deleted = options.posts.filter(
    (p) => p.feed && isDeletedMessage(p) && !isEditedOriginalMessage(p),
  );
  if (deleted.length === 0) return;
  const minCreate = Math.min(...deleted.map((p) => p.feed!.createSeq));
  const maxSeq = Math.max(...deleted.map((p) => p.feed!.seq));
  const rows = await readRows(
    `SELECT b."readSeq", b."feedTo", b."fromUpdateAt", b."fromPostId", b."toUpdateAt", b."toPostId"
     FROM "ExportBatch" b JOIN "ExportJob" j ON j."id" = b."jobId"
     WHERE j."policyId" = $1 AND j."movesCursor" AND b."readSeq" >= $2 AND b."readSeq" < $3`,
    [options.policyId, minCreate, maxSeq],
  );
  const batches: ReadBatch[] = rows.map((r) => ({
    readSeq: Number(r.readSeq),
    feedTo: Number(r.feedTo),
    from: { updateAt: Number(r.fromUpdateAt), postId: String(r.fromPostId) },
    to: { updateAt: Number(r.toUpdateAt), postId: String(r.toPostId) },
  }));
  // Runs before the change feed: the migration's regions stamped 1 stand for their batches.
  for (const r of options.cursor.regions) {
    if (r.seqTo === 1)
      batches.push({ readSeq: 1, feedTo: 1, from: { updateAt: -1, postId: "" }, to: r.keyTo });
  }
  for (const post of deleted) {
    post.createdEntryDue = post.createAt >= options.exportFrom && !liveVersionRead(post, batches);
  }
}

function liveVersionRead(post: ExportPost, batches: ReadBatch[]): boolean {
  const f = post.feed!;
  if (f.liveSeq === 0) return false; // ingested already deleted: never live here
  return batches.some((b) => {
    if (b.readSeq < f.createSeq || b.readSeq >= f.seq) return false;
    const afterLast = b.readSeq >= f.liveSeq;
    const version = afterLast ? f.liveSeq : f.createSeq;
    const key: Key = { updateAt: afterLast ? f.liveUpdateAt : post.createAt, postId: post.id };
    return version <= b.feedTo && compareKeys(key, b.from) > 0 && compareKeys(key, b.to) <= 0;
  });
}
