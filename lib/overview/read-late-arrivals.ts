import { db } from "../db/client.ts";

export type LateArrival = {
  policyId: string;
  jobId: string;
  count: number;
  oldest: number | null;
  at: number;
};

/**
 * Records that arrived after the run that should have exported them (PRODUCT.md §9): the change
 * feed exports them in the next run and counts them on its job; the Overview lists those runs.
 */
export async function readLateArrivals(options: { since: Date }): Promise<LateArrival[]> {
  const jobs = await db().exportJob.findMany({
    where: { lateArrivals: { gt: 0 }, finishedAt: { gte: options.since } },
    orderBy: { finishedAt: "desc" },
    select: { id: true, policyId: true, lateArrivals: true, lateOldestAt: true, finishedAt: true },
    take: 20,
  });
  return jobs.map((j) => ({
    policyId: j.policyId,
    jobId: j.id,
    count: j.lateArrivals,
    oldest: j.lateOldestAt === null ? null : Number(j.lateOldestAt),
    at: j.finishedAt!.getTime(),
  }));
}
