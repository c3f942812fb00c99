import { db, type Tx } from "../db/client.ts";
import { fencedJobUpdate, type Lease } from "./lease.ts";
import type { JobStatus } from "./job-status.ts";

/**
 * Ends a job under its lease: final status, progress, error text; frees the policy's slot. `also`
 * runs in the same transaction (the engine's last cursor move commits with the job's end).
 */
export async function finishJob(options: {
  lease: Lease;
  status: Extract<JobStatus, "success" | "warning" | "error" | "canceled">;
  error?: string;
  now?: Date;
  also?: (tx: Tx) => Promise<void>;
}): Promise<void> {
  const now = options.now ?? new Date();
  const done = options.status === "success" || options.status === "warning";
  await db().$transaction(async (tx) => {
    await fencedJobUpdate(tx, options.lease, {
      status: options.status,
      ...(done ? { progress: 100 } : {}),
      error: options.error ?? "",
      finishedAt: now,
      activeSlot: null,
      leaseOwner: null,
      leaseExpiresAt: null,
    });
    await options.also?.(tx);
  });
}

/** Hands a job back (graceful shutdown): pending again, same data, claimable at once. */
export async function releaseJob(lease: Lease): Promise<void> {
  await db().$transaction(async (tx) => {
    await fencedJobUpdate(tx, lease, {
      status: "pending",
      leaseOwner: null,
      leaseExpiresAt: null,
      attempts: { decrement: 1 },
    });
    await tx.exportJob.updateMany({
      where: { id: lease.jobId, attemptsWithoutProgress: { gt: 0 } },
      data: { attemptsWithoutProgress: { decrement: 1 } },
    });
  });
}

/**
 * Puts a job aside until `retryAt` (a delivery that may succeed later): still in progress, no
 * owner, its lease expiring then, so any worker resumes it from its last finished batch.
 */
export async function deferJob(lease: Lease, retryAt: Date, message: string): Promise<void> {
  await db().$transaction((tx) =>
    fencedJobUpdate(tx, lease, { leaseOwner: null, leaseExpiresAt: retryAt, error: message }),
  );
}
