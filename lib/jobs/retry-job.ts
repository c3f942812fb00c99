import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import type { ExportFormat } from "../settings/schema.ts";
import { createExportJob } from "./create-export-job.ts";
import { parseJobData } from "./job-data.ts";
import type { TCreateJobInput } from "./schema.ts";

/**
 * Runs a failed job again as a new job with the same format and window: a daily-cursor job
 * continues the cursor (right after the batches the failed run finished), a ranged or
 * --export-from job asks for the same window again.
 */
export async function retryJob(options: { jobId: string; initiatedBy: string; initiatedByLabel: string }) {
  const job = await db().exportJob.findUnique({ where: { id: options.jobId } });
  if (!job) throw new UserError("No such job.", 404);
  if (job.status !== "error") throw new UserError(`Only a failed job can be retried; this one is ${job.status}.`, 409);
  const data = parseJobData(job.data);
  const format = (data.export_type ?? job.format) as ExportFormat;
  const input: TCreateJobInput = job.movesCursor
    ? { format }
    : data.requested_end !== undefined
      ? { format, start: Number(data.requested_start), end: Number(data.requested_end) }
      : { format, exportFrom: Number(data.requested_start) };
  return createExportJob({ input, trigger: "manual", initiatedBy: options.initiatedBy, initiatedByLabel: options.initiatedByLabel });
}
