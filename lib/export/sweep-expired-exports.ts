import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { resolveEvidenceTarget } from "../targets/resolve-target.ts";
import { loadTargetDirectory } from "../targets/target-directory.ts";
import { logger } from "../log/logger.ts";

/**
 * Deletes the files of exports older than their target's retention (database time of finishing):
 * CUSTODIAN_RETENTION_DAYS on local directories, the target's "delete after" days on S3 (never by
 * default) — except exports on legal hold. One `deleteExport` audit record each with the files'
 * sha256. Files go first, then the audit record, then the mark: a sweep killed midway repeats, and
 * may record a deletion twice, but never deletes without a record.
 */
export async function sweepExpiredExports(options: { now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const directory = await loadTargetDirectory();
  const expired = [...directory]
    .filter(([, t]) => t.retentionDays !== null)
    .map(([id, t]) => ({
      targetId: id,
      finishedAt: { lt: new Date(now.getTime() - t.retentionDays! * 86_400_000) },
    }));
  if (expired.length === 0) return 0;
  const jobs = await db().exportJob.findMany({
    where: {
      OR: expired,
      filesDeletedAt: null,
      legalHold: false,
      exportDir: { not: "" },
      status: { in: ["success", "warning", "error", "canceled"] },
    },
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
      parameters: {
        job_id: job.id,
        target_id: job.targetId,
        retention_days: directory.get(job.targetId)?.retentionDays ?? null,
      },
      priorState: {
        export_dir: job.exportDir,
        finished_at: job.finishedAt?.toISOString(),
        files: job.batches.map((b) => ({
          name: b.fileName,
          sha256: b.sha256,
          size: Number(b.size),
        })),
      },
      resultingState: { deleted: true },
    });
    await db().exportJob.updateMany({
      where: { id: job.id, filesDeletedAt: null },
      data: { filesDeletedAt: now },
    });
    logger().info(
      { job_id: job.id, export_dir: job.exportDir },
      "retention sweep deleted an export",
    );
  }
  return jobs.length;
}
