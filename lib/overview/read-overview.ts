import { db } from "../db/client.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import { HEARTBEAT_STALE_MS } from "../worker/heartbeat.ts";
import { readAttestationMismatches } from "./read-attestation-mismatches.ts";
import { readLateArrivals } from "./read-late-arrivals.ts";
import { readNextScheduledRuns, type NextScheduledRun } from "./read-next-scheduled-runs.ts";

export type PolicyOverview = {
  policyId: string;
  lastSuccess: { jobId: string; finishedAt: number; messages: number; files: number } | null;
  /** The update time of the last post the policy's daily runs exported (its cursor). */
  exportedUpTo: number | null;
  next: NextScheduledRun | null;
};
export type WorkerRow = {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  beatAt: number;
  alive: boolean;
};
export type LeaseRow = {
  jobId: string;
  policyId: string;
  status: string;
  owner: string | null;
  expiresAt: number | null;
  expired: boolean;
  progress: number;
};
export type OverviewWarning = {
  kind:
    "missed_schedule" | "failed_job" | "failed_delivery" | "late_arrivals" | "attestation_mismatch";
  text: string;
  jobId?: string;
  at?: number;
};
/** One finished job of the last 30 days, for the charts (bucketed by day in the viewer's zone). */
export type JobPoint = {
  id: string;
  policyId: string;
  status: string;
  finishedAt: number;
  messages: number;
  files: number;
  durationMs: number | null;
};
export type Overview = {
  now: number;
  policies: PolicyOverview[];
  workers: WorkerRow[];
  leases: LeaseRow[];
  warnings: OverviewWarning[];
  jobs: JobPoint[];
};

const DAY = 86_400_000;
const MISSED_AFTER_MS = 26 * 3600_000; // as the missed-schedule notification: a day plus slack

/** Everything the Overview page shows, read once per page load. */
export async function readOverview(options: { now?: Date } = {}): Promise<Overview> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - 30 * DAY);
  const [
    settings,
    nextRuns,
    cursors,
    policyRows,
    heartbeats,
    active,
    finished,
    late,
    mismatches,
    failedDeliveries,
  ] = await Promise.all([
    loadExportSettings(),
    readNextScheduledRuns({ now }),
    db().exportCursor.findMany(),
    db().exportJob.groupBy({ by: ["policyId"] }),
    db().workerHeartbeat.findMany({ orderBy: { beatAt: "desc" }, take: 20 }),
    db().exportJob.findMany({
      where: { status: { in: ["pending", "in_progress", "cancel_requested"] } },
      orderBy: { createdAt: "asc" },
    }),
    db().exportJob.findMany({
      where: { finishedAt: { gte: since } },
      orderBy: { finishedAt: "asc" },
    }),
    readLateArrivals({ since }),
    readAttestationMismatches({ since }),
    db().deliveryLedger.groupBy({
      by: ["jobId"],
      where: { status: { in: ["failed", "ambiguous"] }, updatedAt: { gte: since } },
      _count: { _all: true },
    }),
  ]);

  const policyIds = [
    ...new Set([
      "default",
      ...nextRuns.filter((n) => n.enabled).map((n) => n.policyId),
      ...policyRows.map((p) => p.policyId),
      ...cursors.map((c) => c.policyId),
    ]),
  ].sort();
  const policies: PolicyOverview[] = [];
  for (const policyId of policyIds) {
    const last = await db().exportJob.findFirst({
      where: { policyId, status: { in: ["success", "warning"] } },
      orderBy: { finishedAt: "desc" },
    });
    const cursor = cursors.find((c) => c.policyId === policyId);
    policies.push({
      policyId,
      lastSuccess: last?.finishedAt
        ? {
            jobId: last.id,
            finishedAt: last.finishedAt.getTime(),
            messages: last.messagesExported,
            files: last.filesExported,
          }
        : null,
      exportedUpTo: cursor ? Number(cursor.lastUpdateAt) : null,
      next: nextRuns.find((n) => n.policyId === policyId) ?? null,
    });
  }

  const warnings: OverviewWarning[] = [];
  if (settings.EnableExport && now.getTime() - settings.ExportFromTimestamp > MISSED_AFTER_MS) {
    const lastDaily = await db().exportJob.findFirst({
      where: { policyId: "default", movesCursor: true, status: { in: ["success", "warning"] } },
      orderBy: { finishedAt: "desc" },
      select: { finishedAt: true },
    });
    if (
      !lastDaily?.finishedAt ||
      now.getTime() - lastDaily.finishedAt.getTime() > MISSED_AFTER_MS
    ) {
      warnings.push({
        kind: "missed_schedule",
        text: lastDaily?.finishedAt
          ? "No daily export has finished for more than a day."
          : "The daily export is enabled but has never finished.",
        at: lastDaily?.finishedAt?.getTime(),
      });
    }
  }
  for (const job of finished
    .filter((j) => j.status === "error")
    .slice(-5)
    .reverse()) {
    warnings.push({
      kind: "failed_job",
      text: `Export job failed: ${job.error || "no reason recorded"}`,
      jobId: job.id,
      at: job.finishedAt?.getTime(),
    });
  }
  for (const d of failedDeliveries) {
    warnings.push({
      kind: "failed_delivery",
      text: `${d._count._all} archive email(s) were not accepted (failed or unconfirmed delivery).`,
      jobId: d.jobId,
    });
  }
  for (const l of late) {
    const oldest = l.oldest === null ? "" : ` (oldest from ${new Date(l.oldest).toISOString()})`;
    warnings.push({
      kind: "late_arrivals",
      text: `${l.count} late-arriving message(s) exported by a run of policy ${l.policyId}${oldest}: the source delivered them after the run that should have carried them.`,
      jobId: l.jobId,
      at: l.at,
    });
  }
  for (const m of mismatches)
    warnings.push({
      kind: "attestation_mismatch",
      text: `Policy ${m.policyId}, channel ${m.channelId} on ${m.day}: ${m.attested} attested, ${m.received} received.`,
    });

  return {
    now: now.getTime(),
    policies,
    workers: heartbeats.map((h) => ({
      id: h.id,
      host: h.host,
      pid: h.pid,
      startedAt: h.startedAt.getTime(),
      beatAt: h.beatAt.getTime(),
      alive: now.getTime() - h.beatAt.getTime() < HEARTBEAT_STALE_MS,
    })),
    leases: active.map((j) => ({
      jobId: j.id,
      policyId: j.policyId,
      status: j.status,
      owner: j.leaseOwner,
      expiresAt: j.leaseExpiresAt?.getTime() ?? null,
      expired: j.leaseExpiresAt !== null && j.leaseExpiresAt.getTime() < now.getTime(),
      progress: j.progress,
    })),
    warnings,
    jobs: finished.map((j) => ({
      id: j.id,
      policyId: j.policyId,
      status: j.status,
      finishedAt: j.finishedAt!.getTime(),
      messages: j.messagesExported,
      files: j.filesExported,
      durationMs:
        j.startedAt && j.finishedAt ? j.finishedAt.getTime() - j.startedAt.getTime() : null,
    })),
  };
}
