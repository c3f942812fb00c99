import { db } from "../db/client.ts";

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

/** Late arrivals a run reported (its plan's progress; jobs planned before the change feed count 0). */
export function lateArrivalsOf(plan: string): number {
  try {
    const value = Number((JSON.parse(plan) as { progress?: { late?: { count?: number } } }).progress?.late?.count ?? 0);
    return Number.isFinite(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}
