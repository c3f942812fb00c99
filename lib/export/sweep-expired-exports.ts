import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { resolveEvidenceTarget } from "../targets/resolve-target.ts";
import { logger } from "../log/logger.ts";

/**
 * Deletes the files of exports older than the retention period (database time of finishing),
 * except those on legal hold, one `deleteExport` audit record each with the files' sha256. Files go
 * first, then the audit record, then the mark: a sweep killed midway repeats, and may record a
 * deletion twice, but never deletes without a record.
 */
export async function sweepExpiredExports(options: { now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - env().CUSTODIAN_RETENTION_DAYS * 86_400_000);
  const jobs = await db().exportJob.findMany({
    where: { finishedAt: { lt: cutoff }, filesDeletedAt: null, legalHold: false, exportDir: { not: "" }, status: { in: ["success", "warning", "error", "canceled"] } },
    include: { batches: { orderBy: { number: "asc" } } },
    take: 100,
  });
  for (const job of jobs) {
    await (await resolveEvidenceTarget(job.targetId)).removeDir(job.exportDir);
    await record({
      eventName: "deleteExport",
      status: "success",
      actor: componentActor("scheduler"),
      objectType: "export",
      apiPath: "scheduler:retention",
      parameters: { job_id: job.id, retention_days: env().CUSTODIAN_RETENTION_DAYS },
      priorState: { export_dir: job.exportDir, finished_at: job.finishedAt?.toISOString(), files: job.batches.map((b) => ({ name: b.fileName, sha256: b.sha256, size: Number(b.size) })) },
      resultingState: { deleted: true },
    });
    await db().exportJob.updateMany({ where: { id: job.id, filesDeletedAt: null }, data: { filesDeletedAt: now } });
    logger().info({ job_id: job.id, export_dir: job.exportDir }, "retention sweep deleted an export");
  }
  return jobs.length;
}
