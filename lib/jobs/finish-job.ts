import { db } from "../db/client.ts";
import { parseJobData } from "./job-data.ts";
import { fencedJobUpdate, type Lease } from "./lease.ts";
import type { JobStatus } from "./job-status.ts";

/** Ends a job under its lease: final status, progress, error text; frees the policy's slot. */
export async function finishJob(options: { lease: Lease; status: Extract<JobStatus, "success" | "warning" | "error" | "canceled">; error?: string; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: options.lease.jobId } });
  const data = parseJobData(job.data);
  const done = options.status === "success" || options.status === "warning";
  data.progress_message = "";
  if (done) {
    data.is_downloadable = "true";
    data.warning_count = String(job.warningCount);
  }
  if (options.error) data.progress_message = "";
  await db().$transaction((tx) =>
    fencedJobUpdate(tx, options.lease, {
      status: options.status,
      progress: done ? 100 : job.progress,
      error: options.error ?? "",
      data: JSON.stringify(data),
      finishedAt: now,
      activeSlot: null,
      leaseOwner: null,
      leaseExpiresAt: null,
    }),
  );
}

/** Hands a job back (graceful shutdown): pending again, same data, claimable at once. */
export async function releaseJob(lease: Lease): Promise<void> {
  await db().$transaction((tx) => fencedJobUpdate(tx, lease, { status: "pending", leaseOwner: null, leaseExpiresAt: null, attempts: { decrement: 1 } }));
}

/**
 * Puts a job aside until `retryAt` (a delivery that may succeed later): still in progress, no
 * owner, its lease expiring then, so any worker resumes it from its last finished batch.
 */
export async function deferJob(lease: Lease, retryAt: Date, message: string): Promise<void> {
  await db().$transaction((tx) => fencedJobUpdate(tx, lease, { leaseOwner: null, leaseExpiresAt: retryAt, error: message }));
}
