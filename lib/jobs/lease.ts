import { db, type Tx } from "../db/client.ts";

/** Thrown when this worker no longer holds the job's lease: another worker took it over. */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`Lost the lease on job ${jobId}; another worker has taken it over.`);
  }
}

export type Lease = { jobId: string; workerId: string; epoch: number; leaseMs: number };

/** Extends the lease; false when it was lost (then the caller must stop without writing anything). */
export async function renewLease(lease: Lease, now = new Date()): Promise<boolean> {
  const { count } = await db().exportJob.updateMany({
    where: { id: lease.jobId, leaseOwner: lease.workerId, leaseEpoch: lease.epoch },
    data: { leaseExpiresAt: new Date(now.getTime() + lease.leaseMs) },
  });
  return count === 1;
}

/** Updates the job only while this lease holds it; throws LeaseLostError otherwise. */
export async function fencedJobUpdate(
  tx: Tx,
  lease: Lease,
  data: Parameters<Tx["exportJob"]["updateMany"]>[0]["data"],
): Promise<void> {
  const { count } = await tx.exportJob.updateMany({
    where: { id: lease.jobId, leaseOwner: lease.workerId, leaseEpoch: lease.epoch },
    data,
  });
  if (count !== 1) throw new LeaseLostError(lease.jobId);
}

/** Keeps renewing the lease in the background until stopped; reports a loss once. */
export function keepLeaseAlive(lease: Lease, onLost: () => void): () => void {
  const timer = setInterval(
    async () => {
      try {
        if (!(await renewLease(lease))) {
          clearInterval(timer);
          onLost();
        }
      } catch {
        // A passing database error: the next beat retries; the lease has slack for several misses.
      }
    },
    Math.max(200, Math.floor(lease.leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
