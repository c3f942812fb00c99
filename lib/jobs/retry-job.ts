import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { createExportJob } from "./create-export-job.ts";
import { parseJobRequest } from "./job-request.ts";
import type { TCreateJobInput } from "./schema.ts";

/**
 * Runs a failed job again as a new job with the same format and window: a daily-cursor job
 * continues the cursor (right after the batches the failed run finished), a ranged or
 * --export-from job asks for the same window again.
 */
export async function retryJob(options: {
  jobId: string;
  initiatedBy: string;
  initiatedByLabel: string;
}) {
  const job = await db().exportJob.findUnique({ where: { id: options.jobId } });
  if (!job) throw new UserError("No such job.", 404);
  if (job.status !== "error")
    throw new UserError(`Only a failed job can be retried; this one is ${job.status}.`, 409);
  const { format, window } = parseJobRequest(job.data, job.format);
  const input: TCreateJobInput =
    job.movesCursor || !window
      ? { format }
      : window.end !== undefined
        ? { format, start: window.start, end: window.end }
        : { format, exportFrom: window.start };
  return createExportJob({
    input,
    trigger: "manual",
    initiatedBy: options.initiatedBy,
    initiatedByLabel: options.initiatedByLabel,
  });
}
