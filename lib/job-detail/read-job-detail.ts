import { db } from "../db/client.ts";
import { listJobQuarantine } from "../export/quarantine/quarantine-store.ts";
import {
  parseStoredReconciliation,
  type Reconciliation,
} from "../export/reconciliation/reconciliation.ts";
import { readBatchWarnings, type BatchWarnings } from "../export/read-batch-warnings.ts";
import { resolveFileTarget } from "../targets/resolve-target.ts";
import { getJobView, type JobView } from "../jobs/job-view.ts";
import { suggestNextStep } from "./suggest-next-step.ts";

export type JobBatchRow = {
  number: number;
  fileName: string;
  messages: number;
  files: number;
  warnings: number;
  size: number;
  sha256: string;
  createdAt: number;
};
export type JobHistoryEntry = {
  at: number;
  event: string;
  outcome: string;
  from: string;
  to: string;
  by: string;
  error: string;
};
export type JobDetail = {
  job: JobView;
  /** The admin who started it (email) or the component (scheduler, cli (user), …). */
  startedBy: string;
  batches: JobBatchRow[];
  history: JobHistoryEntry[];
  warnings: BatchWarnings[];
  /** The finished run's reconciliation (docs/reconciliation.md), else null. */
  reconciliation: Reconciliation | null;
  /** Posts this job quarantined (still in quarantine). */
  quarantined: Array<{ postId: string; reason: string }>;
  nextStep: string | null;
};

const JOB_EVENTS = ["createJob", "cancelJob", "updateJobStatus"];

type AuditJson = {
  timestamp: string;
  event_name: string;
  status: string;
  actor: { user_id: string; client: string };
  event: {
    parameters: Record<string, unknown>;
    prior_state: Record<string, unknown>;
    resulting_state: Record<string, unknown>;
  };
  error: { description?: string };
};

// Joins the queue (lib/jobs) and the engine's files (lib/export) for one page, so neither folder
// imports the other.

/** Everything the job detail page shows: the job, its batches, its status history (from the audit log) and warnings. */
export async function readJobDetail(options: {
  jobId: string;
  now?: Date;
}): Promise<JobDetail | null> {
  const job = await getJobView(options.jobId, options.now);
  if (!job) return null;
  const [row, batches, records] = await Promise.all([
    db().exportJob.findUniqueOrThrow({
      where: { id: job.id },
      select: {
        initiatedBy: true,
        initiatedByLabel: true,
        targetId: true,
        targetFamily: true,
        reconciliation: true,
      },
    }),
    db().exportBatch.findMany({ where: { jobId: job.id }, orderBy: { number: "asc" } }),
    db().auditRecord.findMany({
      where: {
        eventName: { in: JOB_EVENTS },
        timestamp: { gte: new Date(job.createdAt - 60_000) },
        json: { contains: job.id },
      },
      orderBy: { id: "asc" },
      take: 500,
      select: { json: true },
    }),
  ]);
  const userIds = new Set<string>();
  const parsed = records
    .map((r) => JSON.parse(r.json) as AuditJson)
    .filter((r) => mentions(r, job.id));
  for (const r of parsed) if (r.actor.user_id) userIds.add(r.actor.user_id);
  const users = await db().adminUser.findMany({
    where: { id: { in: [...userIds] } },
    select: { id: true, email: true },
  });
  const email = new Map(users.map((u) => [u.id, u.email]));
  const history: JobHistoryEntry[] = parsed.map((r) => ({
    at: Date.parse(r.timestamp.replace(" Z", "Z").replace(" ", "T")),
    event: r.event_name,
    outcome: r.status,
    from: String(r.event.prior_state.status ?? ""),
    to: String(
      r.event.resulting_state.status ??
        (r.event_name === "createJob" && r.status === "success" ? "pending" : ""),
    ),
    by: r.actor.user_id ? (email.get(r.actor.user_id) ?? r.actor.user_id) : r.actor.client,
    error: r.error.description ?? String(r.event.resulting_state.error ?? ""),
  }));
  const warnings =
    job.warnings > 0 && job.exportDir && !job.expired && row.targetFamily === "files"
      ? await readBatchWarnings({
          target: await resolveFileTarget(row.targetId),
          exportDir: job.exportDir,
          batches,
        })
      : [];
  return {
    job,
    startedBy: row.initiatedByLabel || row.initiatedBy,
    batches: batches.map((b) => ({
      number: b.number,
      fileName: b.fileName,
      messages: b.messages,
      files: b.files,
      warnings: b.warnings,
      size: Number(b.size),
      sha256: b.sha256,
      createdAt: b.createdAt.getTime(),
    })),
    history,
    warnings,
    reconciliation: parseStoredReconciliation(row.reconciliation),
    quarantined: await listJobQuarantine(job.id),
    nextStep: job.status === "error" && job.error ? suggestNextStep(job.error) : null,
  };
}

function mentions(r: AuditJson, jobId: string): boolean {
  return r.event.parameters.job_id === jobId || r.event.resulting_state.job_id === jobId;
}
