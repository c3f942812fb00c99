import { db } from "../db/client.ts";

/**
 * `attempts` counts every claim; `attemptsWithoutProgress` the consecutive claims since the job last
 * committed a batch (this one included): a job that keeps making progress is never given up on.
 */
export type ClaimedJob = {
  id: string;
  epoch: number;
  attempts: number;
  attemptsWithoutProgress: number;
  maxAttempts: number;
  resumed: boolean;
};

/**
 * Claims the oldest runnable job with a lease: a pending one, or one whose worker stopped renewing
 * its lease (crashed or hung). The conditional UPDATE on the lease epoch lets exactly one of any
 * number of racing workers win; the new epoch fences the loser and any zombie out of every later write.
 */
export async function claimNextJob(options: {
  workerId: string;
  leaseMs: number;
  now?: Date;
  jobId?: string;
}): Promise<ClaimedJob | null> {
  const now = options.now ?? new Date();
  const candidates = await db().exportJob.findMany({
    where: {
      ...(options.jobId ? { id: options.jobId } : {}),
      OR: [
        { status: "pending" },
        { status: { in: ["in_progress", "cancel_requested"] }, leaseExpiresAt: { lt: now } },
      ],
    },
    orderBy: { createdAt: "asc" },
    take: 5,
    select: {
      id: true,
      status: true,
      leaseEpoch: true,
      attempts: true,
      attemptsWithoutProgress: true,
      maxAttempts: true,
    },
  });
  for (const c of candidates) {
    const { count } = await db().exportJob.updateMany({
      where: {
        id: c.id,
        leaseEpoch: c.leaseEpoch,
        OR: [
          { status: "pending" },
          { status: { in: ["in_progress", "cancel_requested"] }, leaseExpiresAt: { lt: now } },
        ],
      },
      data: {
        status: c.status === "cancel_requested" ? "cancel_requested" : "in_progress",
        leaseOwner: options.workerId,
        leaseEpoch: c.leaseEpoch + 1,
        leaseExpiresAt: new Date(now.getTime() + options.leaseMs),
        attempts: c.attempts + 1,
        attemptsWithoutProgress: c.attemptsWithoutProgress + 1,
      },
    });
    if (count === 1) {
      await db().exportJob.updateMany({
        where: { id: c.id, startedAt: null },
        data: { startedAt: now },
      });
      return {
        id: c.id,
        epoch: c.leaseEpoch + 1,
        attempts: c.attempts + 1,
        attemptsWithoutProgress: c.attemptsWithoutProgress + 1,
        maxAttempts: c.maxAttempts,
        resumed: c.status !== "pending" || c.attempts > 0,
      };
    }
  }
  return null;
}
