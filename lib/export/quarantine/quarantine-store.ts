import { randomUUID } from "node:crypto";
import type { Tx } from "../../db/client.ts";
import { db } from "../../db/client.ts";
import type { Quarantined } from "./find-throwing-posts.ts";

/** Records a batch's quarantined posts (in the batch's transaction); a post quarantined again keeps one row, now naming this job. */
export async function recordQuarantined(tx: Tx, options: { policyId: string; jobId: string; posts: readonly Quarantined[] }): Promise<void> {
  for (const q of options.posts) {
    const data = { jobId: options.jobId, reason: q.reason, updateAt: BigInt(q.updateAt), state: "quarantined", releasedAt: null, releasedByJobId: null };
    await tx.quarantinedPost.upsert({
      where: { policyId_postId: { policyId: options.policyId, postId: q.postId } },
      create: { id: randomUUID(), policyId: options.policyId, postId: q.postId, ...data },
      update: data,
    });
  }
}

/** The posts a job quarantined, for its detail page and its reconciliation. */
export async function listJobQuarantine(jobId: string): Promise<Array<{ postId: string; reason: string }>> {
  const rows = await db().quarantinedPost.findMany({ where: { jobId, state: "quarantined" }, orderBy: [{ updateAt: "asc" }, { postId: "asc" }], select: { postId: true, reason: true } });
  return rows;
}

/** The posts of a policy still in quarantine: what `export --only-quarantined` exports. */
export async function listOpenQuarantine(policyId: string): Promise<Array<{ postId: string; updateAt: number }>> {
  const rows = await db().quarantinedPost.findMany({ where: { policyId, state: "quarantined" }, orderBy: [{ updateAt: "asc" }, { postId: "asc" }], select: { postId: true, updateAt: true } });
  return rows.map((r) => ({ postId: r.postId, updateAt: Number(r.updateAt) }));
}

/** Marks posts exported by an --only-quarantined job as released (in its last batch's or its finish transaction). */
export async function releaseQuarantined(tx: Tx, options: { policyId: string; jobId: string; postIds: readonly string[] }): Promise<void> {
  if (options.postIds.length === 0) return;
  await tx.quarantinedPost.updateMany({
    where: { policyId: options.policyId, postId: { in: [...options.postIds] }, state: "quarantined" },
    data: { state: "released", releasedAt: new Date(), releasedByJobId: options.jobId },
  });
}
