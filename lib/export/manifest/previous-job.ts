import { db } from "../../db/client.ts";
import { manifestedJobWhere } from "./manifest-format.ts";

export type ChainJob = {
  id: string;
  exportDir: string;
  targetId: string;
  finishedAt: Date | null;
  filesDeletedAt: Date | null;
};

/**
 * The job a manifest chains to: the latest job of the same policy with an export directory and a
 * manifest (successful, or ended otherwise after writing batches) that finished before this one
 * (finishedAt, then id, breaking ties).
 */
export async function previousChainJob(job: {
  id: string;
  policyId: string;
  finishedAt: Date | null;
}): Promise<ChainJob | null> {
  if (!job.finishedAt) return null;
  return db().exportJob.findFirst({
    where: {
      policyId: job.policyId,
      exportDir: { not: "" },
      id: { not: job.id },
      AND: [
        manifestedJobWhere,
        {
          OR: [
            { finishedAt: { lt: job.finishedAt } },
            { finishedAt: job.finishedAt, id: { lt: job.id } },
          ],
        },
      ],
    },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: { id: true, exportDir: true, targetId: true, finishedAt: true, filesDeletedAt: true },
  });
}
