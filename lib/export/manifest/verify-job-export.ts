import { db } from "../../db/client.ts";
import { UserError } from "../../errors/user-error.ts";
import { hasManifest } from "./manifest-format.ts";
import { verifyExports } from "./verify-exports.ts";

export type JobVerifyResult = { ok: boolean; problems: string[]; checkedJobs: number };

/**
 * `verify` for one job (the job detail page's Verify button): checks its policy's exports as the
 * CLI does — a job's manifest chains to the one before it — and keeps the problems that name this
 * job's export directory.
 */
export async function verifyJobExport(options: { jobId: string }): Promise<JobVerifyResult> {
  const job = await db().exportJob.findUnique({
    where: { id: options.jobId },
    select: {
      policyId: true,
      exportDir: true,
      status: true,
      batchesWritten: true,
      filesDeletedAt: true,
    },
  });
  if (!job) throw new UserError("No such job.", 404);
  if (!job.exportDir || !hasManifest(job.status, job.batchesWritten))
    throw new UserError("Only a finished export with files can be verified.", 409);
  if (job.filesDeletedAt)
    throw new UserError(
      "This export's files were deleted by the retention sweep; there is nothing to verify.",
      410,
    );
  const result = await verifyExports({ policyId: job.policyId });
  const mine = result.problems.filter((p) => p.includes(job.exportDir));
  return { ok: mine.length === 0, problems: mine, checkedJobs: result.checked };
}
