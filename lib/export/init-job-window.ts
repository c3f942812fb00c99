import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import type { JobData } from "../jobs/job-data.ts";
import { loadExportSettings } from "../settings/export-settings-store.ts";
import { EXPORT_FORMATS, type ExportFormat } from "../settings/schema.ts";
import { exportDirName } from "./export-paths.ts";

/**
 * Fills a job's data the first time it starts (EXPORT-FORMATS.md §1.4): the window ends when the
 * job first starts; it begins at the policy's cursor (the last post the previous runs exported),
 * else at the moment export was enabled, unless the job asked for an explicit window. Every
 * setting the run depends on is snapshotted, so a resumed job finishes as it began.
 */
export async function initJobWindow(options: { job: { id: string; policyId: string; format: string; data: JobData }; now: Date }): Promise<JobData> {
  const { job, now } = options;
  const data: JobData = { ...job.data };
  if (data.job_end_time !== undefined && data.export_dir) return data;
  const settings = await loadExportSettings();
  const format = (data.export_type ?? job.format) as ExportFormat;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UserError(`Unknown export format "${format}".`);

  let start: number;
  let startId = "";
  if (data.requested_start !== undefined) {
    start = Number(data.requested_start);
  } else {
    const cursor = await db().exportCursor.findUnique({ where: { policyId: job.policyId } });
    if (cursor) {
      start = Number(cursor.lastUpdateAt);
      startId = cursor.lastPostId;
    } else {
      start = settings.ExportFromTimestamp;
    }
  }
  const end = data.requested_end !== undefined ? Number(data.requested_end) : now.getTime();
  if (!Number.isSafeInteger(start) || start < 0) throw new UserError("The export window's start is not a valid time.");
  if (end < start) throw new UserError(`The export window ends (${end}) before it starts (${start}).`);

  Object.assign(data, {
    export_type: format,
    batch_start_time: String(start),
    batch_start_id: startId,
    job_start_time: String(start),
    job_start_id: startId,
    job_end_time: String(end),
    batch_size: String(settings.BatchSize),
    export_attachments: String(settings.ExportAttachments),
    time_zone: settings.TimeZone,
    job_batch_number: "0",
    messages_exported: "0",
    files_exported: "0",
    export_dir: await uniqueExportDir(job.id, exportDirName({ now, timeZone: settings.TimeZone, start, end })),
  } satisfies JobData);
  return data;
}

/** Two ranged jobs over the same window started in the same minute must not share a directory. */
async function uniqueExportDir(jobId: string, name: string): Promise<string> {
  const taken = await db().exportJob.findFirst({ where: { exportDir: name, id: { not: jobId } }, select: { id: true } });
  return taken ? `${name}-${jobId.slice(0, 8)}` : name;
}
