import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import { resolveTarget } from "../targets/resolve-target.ts";

/**
 * Removes the unfinished (`.partial`) uploads left in the directories of jobs that are no longer
 * running (issue 15 item 9): a worker killed mid-batch leaves one, and a job that then ended in
 * error was never resumed to clean it. Finished jobs only — a running job owns its partials.
 * Returns how many directories were swept.
 */
export async function sweepOrphanPartials(): Promise<number> {
  const jobs = await db().exportJob.findMany({
    where: {
      status: { in: ["success", "warning", "error", "canceled"] },
      exportDir: { not: "" },
      filesDeletedAt: null,
      targetFamily: "files",
    },
    select: { id: true, exportDir: true, targetId: true },
  });
  let swept = 0;
  for (const job of jobs) {
    try {
      const target = await resolveTarget(job.targetId);
      if (target.family !== "files") continue;
      await target.removePartials(job.exportDir);
      swept++;
    } catch (error) {
      logger().warn({ err: error, job_id: job.id }, "could not sweep a job's unfinished files");
    }
  }
  return swept;
}
