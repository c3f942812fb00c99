import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { writeJobManifest } from "../export/manifest/write-job-manifest.ts";
import { saveFeedCursor } from "../export/feed/feed-cursor.ts";
import { lateBeyondThreshold, parseExportPlan, type ExportPlan } from "../export/plan/export-plan.ts";
import { planExport } from "../export/plan/plan-export.ts";
import { recordExportBatch } from "../export/record-batch.ts";
import { runExport, type ExportHooks } from "../export/run-export.ts";
import type { ClaimedJob } from "../jobs/claim-job.ts";
import { deferJob, finishJob, releaseJob } from "../jobs/finish-job.ts";
import { fencedJobUpdate, keepLeaseAlive, LeaseLostError, renewLease, type Lease } from "../jobs/lease.ts";
import { logger } from "../log/logger.ts";
import { resolveTarget, type ResolveOptions } from "../targets/resolve-target.ts";
import { SmtpDeliveryError } from "../targets/smtp/deliver-global-relay-batch.ts";

export const WORKER_NAME = "MessageExportWorker";
const RETRY_DELAY_MS = 60_000;

export type RunJobHooks = Pick<ExportHooks, "afterBatch"> & {
  now?: () => Date;
  smtp?: ResolveOptions["smtp"];
  /** Called once the first start has planned the job, before the plan is stored (tests). */
  onPlanned?: (plan: ExportPlan) => Promise<void> | void;
};

/**
 * Works one claimed job to its end: plans it on its first start, runs the export under a renewed
 * lease, and records the outcome (status, audit `updateJobStatus`, a `Failed job` log line on
 * error). A lost lease means another worker owns the job now: this one stops and writes nothing more.
 */
export async function runJob(options: { claimed: ClaimedJob; workerId: string; leaseMs: number; stopSignal?: AbortSignal; hooks?: RunJobHooks }): Promise<string> {
  const { claimed } = options;
  const now = options.hooks?.now ?? (() => new Date());
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
  let leaseLost = false;
  const stopRenewing = keepLeaseAlive(lease, () => {
    leaseLost = true;
    log.warn("lease lost; another worker has taken this job over");
  });
  try {
    const job = await db().exportJob.findUniqueOrThrow({ where: { id: claimed.id } });
    if (job.status === "cancel_requested") return await finish("canceled", "cancel_requested");
    // Planned before anything is written: the plan's feed watermark is read while the run writes nothing.
    let plan: ExportPlan;
    if (job.plan) {
      plan = parseExportPlan(job.plan);
    } else {
      plan = await planExport({ job, now: now() });
      await options.hooks?.onPlanned?.(plan);
      await db().$transaction((tx) =>
        fencedJobUpdate(tx, lease, { plan: JSON.stringify(plan), exportDir: plan.exportDir, windowStart: BigInt(plan.jobStartTime), windowEnd: BigInt(plan.jobEndTime) }),
      );
    }
    await audit("in_progress", claimed.resumed ? "in_progress" : "pending");
    const target = await resolveTarget(plan.targetId, { smtp: options.hooks?.smtp, forWriting: true });
    const outcome = await runExport({
      jobId: claimed.id,
      plan,
      target,
      hooks: {
        checkpoint: async () => {
          const current = await db().exportJob.findUniqueOrThrow({ where: { id: claimed.id }, select: { status: true } });
          if (current.status === "cancel_requested") return "cancel";
          return options.stopSignal?.aborted ? "stop" : undefined;
        },
        beforePublish: async () => {
          if (!(await renewLease(lease))) throw new LeaseLostError(claimed.id);
        },
        commitBatch: (r) =>
          db().$transaction(async (tx) => {
            const p = r.plan.progress;
            await fencedJobUpdate(tx, lease, {
              plan: JSON.stringify(r.plan),
              batchesWritten: p.batches,
              messagesExported: p.messages,
              filesExported: p.files,
              warningCount: p.warnings,
              emailsDelivered: p.emailsDelivered,
              lateArrivals: p.late.count,
              lateOldestAt: p.late.oldest === null ? null : BigInt(p.late.oldest),
              progress: r.percent,
            });
            await recordExportBatch(tx, claimed.id, r.batch);
            if (r.cursor) await saveFeedCursor(tx, { policyId: job.policyId, cursor: r.cursor, jobId: claimed.id });
          }),
        afterBatch: options.hooks?.afterBatch,
      },
    });
    if (outcome.kind === "stopped") {
      await releaseJob(lease);
      await audit("pending", "in_progress");
      return "pending";
    }
    if (outcome.kind === "canceled") return await finish("canceled", "cancel_requested");
    const status = outcome.plan.progress.warnings > 0 || lateBeyondThreshold(outcome.plan) ? "warning" : "success";
    const finalCursor = outcome.cursor;
    await finishJob({ lease, status, also: finalCursor ? (tx) => saveFeedCursor(tx, { policyId: job.policyId, cursor: finalCursor, jobId: claimed.id }) : undefined });
    // The signed, chained manifest (CloudTrail-style) of a finished export; a failure here is
    // logged, and `custodian verify` then reports the manifest as missing.
    await writeJobManifest({ jobId: claimed.id }).catch((error: unknown) => log.error({ err: error }, "export manifest not written"));
    await audit(status, "in_progress");
    log.info({ status, ...outcome.plan.progress }, "export job finished");
    return status;
  } catch (error) {
    if (error instanceof LeaseLostError || leaseLost) return "lease_lost";
    if (error instanceof SmtpDeliveryError && !error.permanent && claimed.attempts < claimed.maxAttempts) {
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

  async function finish(status: "canceled", previous: string): Promise<string> {
    await finishJob({ lease, status });
    await audit(status, previous);
    return status;
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
