import { resolveEvidenceTarget } from "../../targets/resolve-target.ts";
import { writeTargetText } from "../../targets/target.ts";
import type { ExportPlan } from "../plan/export-plan.ts";
import { listJobQuarantine } from "../quarantine/quarantine-store.ts";
import {
  buildReconciliation,
  RECONCILIATION_FILE,
  renderReconciliation,
  type Reconciliation,
} from "./reconciliation.ts";

/**
 * The reconciliation of a finished run: written as reconciliation.json beside its batches (for an
 * archive mailbox, which keeps no files, into the local export directory) and kept on the job row
 * for the detail page and `jobs show` (the caller stores `text` with the job's end). Written before
 * the manifest, which lists its hash.
 */
export async function writeReconciliation(options: {
  jobId: string;
  format: string;
  targetId: string;
  mailbox: boolean;
  plan: ExportPlan;
}): Promise<{ reconciliation: Reconciliation; text: string }> {
  const quarantined = await listJobQuarantine(options.jobId);
  const reconciliation = buildReconciliation({
    jobId: options.jobId,
    format: options.format,
    plan: options.plan,
    mailbox: options.mailbox,
    quarantined,
  });
  const text = renderReconciliation(reconciliation);
  await writeTargetText(
    await resolveEvidenceTarget(options.targetId),
    `${options.plan.exportDir}/${RECONCILIATION_FILE}`,
    text,
  );
  return { reconciliation, text };
}
