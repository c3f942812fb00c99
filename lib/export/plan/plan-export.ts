import { db } from "../../db/client.ts";
import { UserError } from "../../errors/user-error.ts";
import { parseJobRequest } from "../../jobs/job-request.ts";
import { loadExportSettings } from "../../settings/export-settings-store.ts";
import { exportDirName } from "../export-paths.ts";
import { countSelectedPosts } from "../read-post-page.ts";
import { legacyPlan } from "./legacy-plan.ts";
import { writerFormatOf, type ExportPlan } from "./export-plan.ts";

type PlannedJob = { id: string; policyId: string; format: string; data: string; plan: string; targetId: string; movesCursor: boolean };

/**
 * The plan of a job (EXPORT-FORMATS.md §1.4), made the first time it starts: the window ends then;
 * it begins at the policy's cursor (the last post the previous runs exported), else at the moment
 * export was enabled, unless the job asked for an explicit window.
 */
export async function planExport(options: { job: PlannedJob; now: Date }): Promise<ExportPlan> {
  const { job, now } = options;
  const legacy = legacyPlan(job);
  if (legacy) return legacy;
  const settings = await loadExportSettings();
  const request = parseJobRequest(job.data, job.format);

  let start: number;
  let startId = "";
  if (request.window) {
    start = request.window.start;
  } else {
    const cursor = await db().exportCursor.findUnique({ where: { policyId: job.policyId } });
    if (cursor) {
      start = Number(cursor.lastUpdateAt);
      startId = cursor.lastPostId;
    } else {
      start = settings.ExportFromTimestamp;
    }
  }
  const end = request.window?.end ?? now.getTime();
  if (!Number.isSafeInteger(start) || start < 0) throw new UserError("The export window's start is not a valid time.");
  if (end < start) throw new UserError(`The export window ends (${end}) before it starts (${start}).`);

  const from = { updateAt: start, postId: startId };
  return {
    version: 1,
    policyId: job.policyId,
    format: writerFormatOf(request.format),
    targetId: job.targetId,
    selection: job.movesCursor ? { kind: "cursor", from } : { kind: "window", start, end },
    jobStartTime: start,
    jobEndTime: end,
    exportDir: await uniqueExportDir(job.id, exportDirName({ now, timeZone: settings.TimeZone, start, end })),
    batchSize: settings.BatchSize,
    exportAttachments: settings.ExportAttachments,
    timeZone: settings.TimeZone,
    expected: await countSelectedPosts({ after: from, until: end }),
    progress: { cursor: from, batches: 0, messages: 0, files: 0, warnings: 0, emailsDelivered: 0 },
  };
}

/** Two ranged jobs over the same window started in the same minute must not share a directory. */
async function uniqueExportDir(jobId: string, name: string): Promise<string> {
  const taken = await db().exportJob.findFirst({ where: { exportDir: name, id: { not: jobId } }, select: { id: true } });
  return taken ? `${name}-${jobId.slice(0, 8)}` : name;
}
