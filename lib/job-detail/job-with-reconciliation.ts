import { db } from "../db/client.ts";
import {
  parseStoredReconciliation,
  type Reconciliation,
} from "../export/reconciliation/reconciliation.ts";
import { getJobView, type JobView } from "../jobs/job-view.ts";

export type JobWithReconciliation = JobView & { reconciliation: Reconciliation | null };

/** One job as the API and `jobs show` give it: its view and its run's reconciliation (docs/reconciliation.md). */
export async function getJobWithReconciliation(id: string): Promise<JobWithReconciliation | null> {
  const view = await getJobView(id);
  if (!view) return null;
  const row = await db().exportJob.findUnique({ where: { id }, select: { reconciliation: true } });
  return { ...view, reconciliation: parseStoredReconciliation(row?.reconciliation ?? "") };
}
