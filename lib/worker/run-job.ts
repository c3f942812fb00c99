import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { db, type Tx } from "../db/client.ts";
import { saveFeedCursor } from "../export/feed/feed-cursor.ts";
import {
  lateBeyondThreshold,
  parseExportPlan,
  type ExportPlan,
} from "../export/plan/export-plan.ts";
import { planExport } from "../export/plan/plan-export.ts";
import {
  hasCrashSuspect,
  recordQuarantined,
  releaseQuarantined,
} from "../export/quarantine/quarantine-store.ts";
import { writeReconciliation } from "../export/reconciliation/write-reconciliation.ts";
import { recordExportBatch } from "../export/record-batch.ts";
import { runExport, type ExportHooks } from "../export/run-export.ts";
import type { FormatWriter } from "../export/model.ts";
import type { ClaimedJob } from "../jobs/claim-job.ts";
import { deferJob, finishJob, releaseJob } from "../jobs/finish-job.ts";
import {
  fencedJobUpdate,
  keepLeaseAlive,
  LeaseLostError,
  renewLease,
  type Lease,
} from "../jobs/lease.ts";
import { logger } from "../log/logger.ts";
import { resolveTarget, type ResolveOptions } from "../targets/resolve-target.ts";
import { SmtpDeliveryError } from "../targets/smtp/deliver-global-relay-batch.ts";
import { adminErrorText } from "../errors/admin-error-text.ts";
import { isTransientDatabaseError } from "../errors/transient-database-error.ts";
import { finishJobEvidence, ManifestNotWrittenError } from "./finish-job-evidence.ts";
import { recordRefusedDeliveries } from "../targets/smtp/refused-deliveries.ts";

export const WORKER_NAME = "MessageExportWorker";
const RETRY_DELAY_MS = 60_000;
/** A passing database error: back off briefly (growing with each attempt without progress), then any worker resumes. */
const DB_RETRY_DELAY_MS = 5_000;

export type RunJobHooks = Pick<ExportHooks, "afterBatch"> & {
  /** Wraps the format writer (tests: a renderer that throws on a post). */
  wrapWriter?: (writer: FormatWriter) => FormatWriter;
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
export async function runJob(options: {
  claimed: ClaimedJob;
  workerId: string;
  leaseMs: number;
  stopSignal?: AbortSignal;
  hooks?: RunJobHooks;
}): Promise<string> {
  const { claimed } = options;
  const now = options.hooks?.now ?? (() => new Date());
  const lease: Lease = {
    jobId: claimed.id,
    workerId: options.workerId,
    epoch: claimed.epoch,
    leaseMs: options.leaseMs,
  };
  const log = logger().child({
    job_id: claimed.id,
    worker_name: WORKER_NAME,
    worker_id: options.workerId,
  });
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

  // A post that keeps killing workers is quarantined by one more attempt instead (lib/export/quarantine).
  if (
    claimed.attemptsWithoutProgress > claimed.maxAttempts &&
    !(await hasCrashSuspect(claimed.id))
  ) {
    const n = claimed.maxAttempts;
    const error = `Gave up after ${n} attempts without progress: the job was started ${n} times in a row without writing a new batch (the worker stopped, or an error kept recurring).`;
    log.error({ error }, "Failed job");
    await finishWithEvidence("error", error);
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
        fencedJobUpdate(tx, lease, {
          plan: JSON.stringify(plan),
          exportDir: plan.exportDir,
          windowStart: BigInt(plan.jobStartTime),
          windowEnd: BigInt(plan.jobEndTime),
        }),
      );
    }
    await audit("in_progress", claimed.resumed ? "in_progress" : "pending");
    const target = await resolveTarget(plan.targetId, {
      smtp: options.hooks?.smtp,
      forWriting: true,
    });
    const outcome = await runExport({
      jobId: claimed.id,
      plan,
      target,
      wrapWriter: options.hooks?.wrapWriter,
      afterCrash: job.plan !== "" && claimed.resumed && claimed.attempts > 1,
      hooks: {
        checkpoint: async () => {
          const current = await db().exportJob.findUniqueOrThrow({
            where: { id: claimed.id },
            select: { status: true },
          });
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
              attemptsWithoutProgress: 0,
              lastProgressAt: now(),
            });
            await recordExportBatch(tx, claimed.id, r.batch);
            if (r.refused.length > 0)
              await recordRefusedDeliveries(tx, {
                jobId: claimed.id,
                batchNumber: r.batch.number,
                refused: r.refused,
              });
            await releaseQuarantined(tx, {
              policyId: job.policyId,
              jobId: claimed.id,
              postIds: r.released,
            });
            await recordQuarantined(tx, {
              policyId: job.policyId,
              jobId: claimed.id,
              posts: r.quarantined,
            });
            if (r.cursor)
              await saveFeedCursor(tx, {
                policyId: job.policyId,
                cursor: r.cursor,
                jobId: claimed.id,
              });
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
    const { reconciliation, text } = await writeReconciliation({
      jobId: claimed.id,
      format: job.format,
      targetId: plan.targetId,
      mailbox: target.family === "mailbox",
      plan: outcome.plan,
    });
    if (reconciliation.unaccounted !== 0) {
      // The cursor stays where the last batch left it: the next run goes on from there.
      const error = `Reconciliation failed: ${reconciliation.unaccounted} of ${reconciliation.source.total} selected rows are neither exported, quarantined nor refused (see reconciliation.json).`;
      log.error({ error }, "Failed job");
      await finishWithEvidence(
        "error",
        error,
        async (tx) =>
          void (await tx.exportJob.update({
            where: { id: claimed.id },
            data: { reconciliation: text },
          })),
      );
      await audit("error", "in_progress", error);
      return "error";
    }
    const status =
      outcome.plan.progress.warnings > 0 || lateBeyondThreshold(outcome.plan)
        ? "warning"
        : "success";
    const finalCursor = outcome.cursor;
    // The signed, chained manifest (CloudTrail-style) is part of finishing: written before the job
    // becomes success, so a failure here leaves the job to be resumed, and the resume writes it again.
    await finishWithEvidence(status, undefined, async (tx) => {
      await tx.exportJob.update({ where: { id: claimed.id }, data: { reconciliation: text } });
      if (finalCursor)
        await saveFeedCursor(tx, {
          policyId: job.policyId,
          cursor: finalCursor,
          jobId: claimed.id,
        });
    });
    await audit(status, "in_progress");
    log.info({ status, ...outcome.plan.progress }, "export job finished");
    return status;
  } catch (error) {
    if (error instanceof LeaseLostError || leaseLost) return "lease_lost";
    const retries = claimed.attemptsWithoutProgress < claimed.maxAttempts;
    if (error instanceof SmtpDeliveryError && !error.permanent && retries) {
      const retryAt = new Date(Date.now() + RETRY_DELAY_MS * claimed.attemptsWithoutProgress);
      log.warn(
        { error: error.message, retry_at: retryAt.toISOString() },
        "delivery failed; the job will be retried",
      );
      await deferJob(
        lease,
        retryAt,
        `Delivery failed, retrying at ${retryAt.toISOString()}: ${error.message}`,
      ).catch(() => {});
      return "retry";
    }
    if (error instanceof ManifestNotWrittenError && retries) {
      // Every batch is written; only the evidence is missing. The resume finds nothing left to
      // export and writes the manifest again before the job may become success.
      const retryAt = new Date(Date.now() + RETRY_DELAY_MS * claimed.attemptsWithoutProgress);
      log.error(
        { err: error.reason, retry_at: retryAt.toISOString() },
        "export manifest not written; the job will finish later",
      );
      await deferJob(
        lease,
        retryAt,
        `The export is written but its manifest is not (${adminErrorText(error.reason)}); finishing again at ${retryAt.toISOString()}.`,
      ).catch(() => {});
      return "retry";
    }
    if (isTransientDatabaseError(error) && retries) {
      // Released (no owner, lease ending at retryAt): this or any worker resumes from the last batch.
      const retryAt = new Date(Date.now() + DB_RETRY_DELAY_MS * claimed.attemptsWithoutProgress);
      log.warn(
        { err: error, retry_at: retryAt.toISOString() },
        "passing database error; the job will be resumed",
      );
      await deferJob(
        lease,
        retryAt,
        `A database connection failed; resuming at ${retryAt.toISOString()}.`,
      ).catch((deferError: unknown) =>
        // The database is still away: the lease runs out by itself and the job is claimed again then.
        log.warn({ err: deferError }, "could not hand the job back; its lease will expire"),
      );
      return "retry";
    }
    const message = describeError(error);
    log.error({ err: error, error: message }, "Failed job");
    try {
      await finishWithEvidence("error", message);
      await audit("error", "in_progress", message);
    } catch (finishError) {
      if (!(finishError instanceof LeaseLostError)) throw finishError;
    }
    return "error";
  } finally {
    stopRenewing();
  }

  async function finish(status: "canceled", previous: string): Promise<string> {
    await finishWithEvidence(status);
    await audit(status, previous);
    return status;
  }

  /** Ends the job with its evidence in place: no `.partial` left behind, the manifest written first. */
  async function finishWithEvidence(
    status: "success" | "warning" | "error" | "canceled",
    error?: string,
    also?: (tx: Tx) => Promise<void>,
  ): Promise<void> {
    const at = new Date();
    await finishJobEvidence({ jobId: claimed.id, status, finishedAt: at, log });
    await finishJob({ lease, status, error, now: at, also });
  }
}

function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ENOSPC")
    return "The export store is full (disk full); no batch was lost. Free space and the next run continues.";
  if (e?.code === "EACCES" || e?.code === "EPERM")
    return `The export store is not writable: ${adminErrorText(e)}`;
  return adminErrorText(error);
}

export async function jobStatus(jobId: string): Promise<string | undefined> {
  return (await db().exportJob.findUnique({ where: { id: jobId }, select: { status: true } }))
    ?.status;
}
