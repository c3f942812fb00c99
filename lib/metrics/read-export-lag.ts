import { db } from "../db/client.ts";
import { readPendingFeed } from "../export/feed/read-pending-feed.ts";

export type PolicyLag = { policyId: string; seconds: number };

/** Export lag per policy: the age of the oldest record the change feed holds that its runs have not exported. */
export async function readExportLag(options: { now?: Date } = {}): Promise<PolicyLag[]> {
  const now = (options.now ?? new Date()).getTime();
  const cursors = await db().exportCursor.findMany({ select: { policyId: true } });
  const lags: PolicyLag[] = [];
  for (const c of cursors) {
    const pending = await readPendingFeed({ policyId: c.policyId });
    lags.push({
      policyId: c.policyId,
      seconds: pending.oldest === null ? 0 : Math.max(0, (now - pending.oldest) / 1000),
    });
  }
  return lags;
}
