import type { JobView } from "@/lib/jobs/job-view.ts";

// Sections of the job detail page that the export engine's next steps fill in (issues 8, 10, 14):
// the reconciliation summary (selected / exported / delivered / late / quarantined) and legal hold.
// They render nothing until their data exists; extend these components, not the page.

export function JobReconciliationSlot(_props: { job: JobView }) {
  return null;
}

export function JobLegalHoldSlot(_props: { job: JobView }) {
  return null;
}
