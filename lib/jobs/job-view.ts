import { db } from "../db/client.ts";
import {
  listRefusedDeliveries,
  type RefusedDeliveryView,
} from "../targets/smtp/refused-deliveries.ts";
import {
  loadTargetDirectory,
  retentionFor,
  type TargetSummary,
} from "../targets/target-directory.ts";
import { parseJobRequest, selectModeOf, type SelectMode } from "./job-request.ts";
import { isActive } from "./job-status.ts";

/** A job as the console and the API show it (JSON-safe: times as epoch ms). */
export type JobView = {
  id: string;
  policyId: string;
  /** The export policy's name ("default": the Compliance Export's). */
  policyName: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  trigger: string;
  initiatedBy: string;
  format: string;
  status: string;
  progress: number;
  windowStart: number | null;
  windowEnd: number | null;
  /** How a window selected posts: created in it (with all later versions) or changed in it; null without a window. */
  select: SelectMode | null;
  messages: number;
  files: number;
  warnings: number;
  /** Posts that arrived after an earlier run covered their time, exported first by this one; the oldest's update time. */
  late: { count: number; oldest: number | null };
  /** Emails accepted by the archive (Global Relay over SMTP), else null. */
  delivered: number | null;
  batches: number;
  /** The batch being written while the job runs (batches are numbered from 1), else null. */
  currentBatch: number | null;
  error: string;
  exportDir: string;
  /** Where the export went: the target's id and name (never a secret). */
  targetId: string;
  targetName: string;
  /** On legal hold: never expires; why, by whom and when. */
  legalHold: { reason: string; by: string; at: number | null } | null;
  downloadable: boolean;
  expiresAt: number | null;
  expired: boolean;
  /** One job's view only: the emails the archive refused (not counted in `messages`), and any a retry got accepted. */
  refusedDeliveries?: RefusedDeliveryView[];
};

type JobRow = Awaited<ReturnType<ReturnType<typeof db>["exportJob"]["findFirstOrThrow"]>>;

/**
 * `targets` (loadTargetDirectory) names the job's target and gives its retention: the local
 * default (CUSTODIAN_RETENTION_DAYS) without it; an S3 target's own days, or never.
 */
export function toJobView(
  job: JobRow,
  now = new Date(),
  targets?: Map<string, TargetSummary>,
  policyNames?: Map<string, string>,
): JobView {
  const done = job.status === "success" || job.status === "warning";
  const days = retentionFor(job.targetId, targets);
  const expiresAt =
    done && job.finishedAt && !job.legalHold && days !== null
      ? job.finishedAt.getTime() + days * 86_400_000
      : null;
  const expired = job.filesDeletedAt !== null || (expiresAt !== null && now.getTime() >= expiresAt);
  const end = job.finishedAt ?? (isActive(job.status) ? now : null);
  return {
    id: job.id,
    policyId: job.policyId,
    policyName: policyNames?.get(job.policyId) ?? job.policyId,
    createdAt: job.createdAt.getTime(),
    startedAt: job.startedAt?.getTime() ?? null,
    finishedAt: job.finishedAt?.getTime() ?? null,
    durationMs: job.startedAt && end ? end.getTime() - job.startedAt.getTime() : null,
    trigger: job.trigger,
    initiatedBy: job.initiatedByLabel,
    format: job.format,
    status: job.status,
    progress: job.progress,
    windowStart: job.windowStart === null ? null : Number(job.windowStart),
    windowEnd: job.windowEnd === null ? null : Number(job.windowEnd),
    select: selectModeOf(parseJobRequest(job.data, job.format)),
    messages: job.messagesExported,
    files: job.filesExported,
    warnings: job.warningCount,
    late: {
      count: job.lateArrivals,
      oldest: job.lateOldestAt === null ? null : Number(job.lateOldestAt),
    },
    delivered: job.targetFamily === "mailbox" ? job.emailsDelivered : null,
    batches: job.batchesWritten,
    currentBatch:
      job.status === "in_progress" || job.status === "cancel_requested"
        ? job.batchesWritten + 1
        : null,
    error: job.error,
    exportDir: job.exportDir,
    targetId: job.targetId,
    targetName: targets?.get(job.targetId)?.name ?? job.targetId,
    legalHold: job.legalHold
      ? { reason: job.legalHoldReason, by: job.legalHoldBy, at: job.legalHoldAt?.getTime() ?? null }
      : null,
    downloadable: done && job.batchesWritten > 0 && !expired && job.targetFamily === "files",
    expiresAt,
    expired,
  };
}

export async function listJobViews(
  options: { limit?: number; now?: Date } = {},
): Promise<JobView[]> {
  const rows = await db().exportJob.findMany({
    orderBy: { createdAt: "desc" },
    take: options.limit ?? 50,
  });
  const targets = await loadTargetDirectory();
  const policies = await loadPolicyNames();
  return rows.map((r) => toJobView(r, options.now, targets, policies));
}

/** Every policy's name by id, archived ones too (their jobs stay). */
export async function loadPolicyNames(): Promise<Map<string, string>> {
  return new Map(
    (await db().exportPolicy.findMany({ select: { id: true, name: true } })).map((p) => [
      p.id,
      p.name,
    ]),
  );
}

export async function getJobView(id: string, now?: Date): Promise<JobView | null> {
  const row = await db().exportJob.findUnique({ where: { id } });
  if (!row) return null;
  const view = toJobView(row, now, await loadTargetDirectory(), await loadPolicyNames());
  return row.targetFamily === "mailbox"
    ? { ...view, refusedDeliveries: await listRefusedDeliveries(id) }
    : view;
}
