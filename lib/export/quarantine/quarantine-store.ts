import { randomUUID } from "node:crypto";
import type { Tx } from "../../db/client.ts";
import { db } from "../../db/client.ts";
import type { Quarantined } from "./find-throwing-posts.ts";

/** Records a batch's quarantined posts (in the batch's transaction); a post quarantined again keeps one row, now naming this job. */
export async function recordQuarantined(
  tx: Tx,
  options: { policyId: string; jobId: string; posts: readonly Quarantined[] },
): Promise<void> {
  for (const q of options.posts) {
    const data = {
      jobId: options.jobId,
      reason: q.reason,
      updateAt: BigInt(q.updateAt),
      state: "quarantined",
      releasedAt: null,
      releasedByJobId: null,
    };
    await tx.quarantinedPost.upsert({
      where: { policyId_postId: { policyId: options.policyId, postId: q.postId } },
      create: { id: randomUUID(), policyId: options.policyId, postId: q.postId, ...data },
      update: data,
    });
  }
}

/** The posts a job quarantined, for its detail page and its reconciliation. */
export async function listJobQuarantine(
  jobId: string,
): Promise<Array<{ postId: string; reason: string }>> {
  const rows = await db().quarantinedPost.findMany({
    where: { jobId, state: "quarantined" },
    orderBy: [{ updateAt: "asc" }, { postId: "asc" }],
    select: { postId: true, reason: true },
  });
  return rows;
}

/** The posts of a policy still in quarantine: what `export --only-quarantined` exports. */
export async function listOpenQuarantine(
  policyId: string,
): Promise<Array<{ postId: string; updateAt: number }>> {
  const rows = await db().quarantinedPost.findMany({
    where: { policyId, state: "quarantined" },
    orderBy: [{ updateAt: "asc" }, { postId: "asc" }],
    select: { postId: true, updateAt: true },
  });
  return rows.map((r) => ({ postId: r.postId, updateAt: Number(r.updateAt) }));
}

/** Marks posts exported by an --only-quarantined job as released (in its last batch's or its finish transaction). */
export async function releaseQuarantined(
  tx: Tx,
  options: { policyId: string; jobId: string; postIds: readonly string[] },
): Promise<void> {
  if (options.postIds.length === 0) return;
  await tx.quarantinedPost.updateMany({
    where: {
      policyId: options.policyId,
      postId: { in: [...options.postIds] },
      state: "quarantined",
    },
    data: { state: "released", releasedAt: new Date(), releasedByJobId: options.jobId },
  });
}

/** After this many worker deaths on a post (the first while writing its batch, the others while rendering it alone), it is quarantined. */
export const CRASHES_BEFORE_QUARANTINE = 3;

/**
 * Marks a post as being rendered alone by a job resumed after a crash; returns how many workers
 * have died on it: a mark left by an earlier attempt means that attempt died here.
 */
export async function markCrashSuspect(options: {
  policyId: string;
  jobId: string;
  postId: string;
  updateAt: number;
}): Promise<number> {
  const key = { policyId_postId: { policyId: options.policyId, postId: options.postId } };
  const row = await db().quarantinedPost.findUnique({
    where: key,
    select: { state: true, crashes: true, jobId: true },
  });
  // The death that brought the job here is the first; a mark an earlier attempt left is one more.
  const crashes = row?.state === "suspect" && row.jobId === options.jobId ? row.crashes + 1 : 1;
  const data = {
    jobId: options.jobId,
    reason: "",
    updateAt: BigInt(options.updateAt),
    state: "suspect",
    crashes,
    releasedAt: null,
    releasedByJobId: null,
  };
  await db().quarantinedPost.upsert({
    where: key,
    create: { id: randomUUID(), policyId: options.policyId, postId: options.postId, ...data },
    update: data,
  });
  return crashes;
}

/** The post rendered alone without killing its worker: no longer a suspect. */
export async function clearCrashSuspect(options: {
  policyId: string;
  postId: string;
}): Promise<void> {
  await db().quarantinedPost.deleteMany({
    where: { policyId: options.policyId, postId: options.postId, state: "suspect" },
  });
}

/** Whether a job has a post on which workers died often enough to quarantine it (the worker then goes on past maxAttempts). */
export async function hasCrashSuspect(jobId: string): Promise<boolean> {
  return (
    (await db().quarantinedPost.count({
      where: { jobId, state: "suspect", crashes: { gte: CRASHES_BEFORE_QUARANTINE - 1 } },
    })) > 0
  );
}
