import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { runExportJob, type RunOptions } from "../export/run-export-job.ts";
import { logger } from "../log/logger.ts";
import type { ClaimedJob } from "./claim-job.ts";
import { RetryLaterError } from "../export/deliver-batch-by-smtp.ts";
import { writeJobManifest } from "../export/manifest/write-job-manifest.ts";
import { deferJob, finishJob, releaseJob } from "./finish-job.ts";
import { keepLeaseAlive, LeaseLostError, type Lease } from "./lease.ts";

export const WORKER_NAME = "MessageExportWorker";
const RETRY_DELAY_MS = 60_000;

/**
 * Works one claimed job to its end: runs the export under a renewed lease and records the outcome
 * (status, audit `updateJobStatus`, and a `Failed job` log line on error). A lost lease means
 * another worker owns the job now: this one stops and writes nothing more.
 */
export async function workJob(options: { claimed: ClaimedJob; workerId: string; leaseMs: number; stopSignal?: AbortSignal; hooks?: Pick<RunOptions, "afterBatch" | "now" | "smtpRetry"> }): Promise<string> {
  const { claimed } = options;
  const lease: Lease = { jobId: claimed.id, workerId: options.workerId, epoch: claimed.epoch, leaseMs: options.leaseMs };
  const log = logger().child({ job_id: claimed.id, worker_name: WORKER_NAME, worker_id: options.workerId });
  const audit = (status: string, previous: string, error?: string) =>
    record({
      eventName: "updateJobStatus",
      status: "success",
      actor: componentActor("worker"),
      objectType: "job",
      apiPath: `worker:${WORKER_NAME}`,
      parameters: { job_id: claimed.id, attempt: claimed.attempts },
      priorState: { status: previous },
      resultingState: { status, ...(error ? { error } : {}) },
    });

  if (claimed.attempts > claimed.maxAttempts) {
    const error = `Gave up after ${claimed.maxAttempts} attempts: the worker stopped ${claimed.maxAttempts} times while running this job.`;
    log.error({ error }, "Failed job");
    await finishJob({ lease, status: "error", error });
    await audit("error", "in_progress", error);
    return "error";
  }
  await audit("in_progress", claimed.resumed ? "in_progress" : "pending");

  let leaseLost = false;
  const stopRenewing = keepLeaseAlive(lease, () => {
    leaseLost = true;
    log.warn("lease lost; another worker has taken this job over");
  });
  try {
    const outcome = await runExportJob({ lease, stopSignal: options.stopSignal, ...options.hooks });
    if (outcome.kind === "stopped") {
      await releaseJob(lease);
      await audit("pending", "in_progress");
      return "pending";
    }
    const status = outcome.kind === "canceled" ? "canceled" : outcome.warnings > 0 ? "warning" : "success";
    await finishJob({ lease, status });
    // The signed, chained manifest (CloudTrail-style) of a finished export; a failure here is
    // logged, and `custodian verify` then reports the manifest as missing.
    if (status !== "canceled") await writeJobManifest({ jobId: claimed.id }).catch((error: unknown) => log.error({ err: error }, "export manifest not written"));
    await audit(status, outcome.kind === "canceled" ? "cancel_requested" : "in_progress");
    log.info({ status, ...(outcome.kind === "finished" ? outcome : {}) }, "export job finished");
    return status;
  } catch (error) {
    if (error instanceof LeaseLostError || leaseLost) return "lease_lost";
    if (error instanceof RetryLaterError && claimed.attempts < claimed.maxAttempts) {
      const retryAt = new Date(Date.now() + RETRY_DELAY_MS * claimed.attempts);
      log.warn({ error: error.message, retry_at: retryAt.toISOString() }, "delivery failed; the job will be retried");
      await deferJob(lease, retryAt, `Delivery failed, retrying at ${retryAt.toISOString()}: ${error.message}`).catch(() => {});
      return "retry";
    }
    const message = describeError(error);
    log.error({ err: error, error: message }, "Failed job");
    try {
      await finishJob({ lease, status: "error", error: message });
      await audit("error", "in_progress", message);
    } catch (finishError) {
      if (!(finishError instanceof LeaseLostError)) throw finishError;
    }
    return "error";
  } finally {
    stopRenewing();
  }
}

function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ENOSPC") return "The export store is full (disk full); no batch was lost. Free space and the next run continues.";
  if (e?.code === "EACCES" || e?.code === "EPERM") return `The export store is not writable: ${e.message}`;
  return e instanceof Error ? e.message : String(error);
}

export async function jobStatus(jobId: string): Promise<string | undefined> {
  return (await db().exportJob.findUnique({ where: { id: jobId }, select: { status: true } }))?.status;
}
