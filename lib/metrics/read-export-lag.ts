import { db } from "../db/client.ts";
import { parseJobData } from "../jobs/job-data.ts";

export type PolicyLag = { policyId: string; seconds: number };

/**
 * Export lag per policy: the age of the oldest record not yet exported. THE CORE ENGINEER'S CHANGE
 * FEED REPLACES THIS BODY (issue 9): until then it reads today's cursor model — the first post after
 * each policy's (updateAt, id) cursor — which cannot see records that arrive with an old updateAt.
 */
export async function readExportLag(options: { now?: Date } = {}): Promise<PolicyLag[]> {
  const now = (options.now ?? new Date()).getTime();
  const cursors = await db().exportCursor.findMany();
  const lags: PolicyLag[] = [];
  for (const c of cursors) {
    const next = await db().post.findFirst({
      where: { OR: [{ updateAt: { gt: c.lastUpdateAt } }, { updateAt: c.lastUpdateAt, id: { gt: c.lastPostId } }] },
      orderBy: [{ updateAt: "asc" }, { id: "asc" }],
      select: { updateAt: true },
    });
    lags.push({ policyId: c.policyId, seconds: next ? Math.max(0, (now - Number(next.updateAt)) / 1000) : 0 });
  }
  return lags;
}

/**
 * Late arrivals per policy: records that reached Custodian after the run that should have exported
 * them, as the runs reported them in their job data (`late_arrivals`, written by the change feed
 * once it exists; jobs without it count 0).
 */
export function lateArrivalsOf(jobData: string): number {
  const value = Number((parseJobData(jobData) as Record<string, unknown>).late_arrivals ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}
