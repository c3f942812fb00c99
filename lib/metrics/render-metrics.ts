import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { db } from "../db/client.ts";
import { processMetrics } from "./ingest-metrics.ts";
import { readExportLag } from "./read-export-lag.ts";

const DONE = ["success", "warning"];

/**
 * `GET /api/metrics`: Prometheus text. Job, export and delivery figures are read from the database
 * at each scrape, so every instance reports the same totals whichever worker did the work; ingest
 * traffic and process figures are this instance's own.
 */
export async function renderMetrics(
  options: { now?: Date } = {},
): Promise<{ contentType: string; text: string }> {
  const now = options.now ?? new Date();
  const r = new Registry();
  const jobs = await db().exportJob.findMany({
    select: {
      policyId: true,
      status: true,
      format: true,
      startedAt: true,
      finishedAt: true,
      messagesExported: true,
      filesExported: true,
      lateArrivals: true,
    },
  });

  const byStatus = new Gauge({
    name: "custodian_jobs",
    help: "Export jobs by status and policy.",
    labelNames: ["status", "policy"],
    registers: [r],
  });
  const duration = new Histogram({
    name: "custodian_export_duration_seconds",
    help: "Run time of finished export jobs (success or warning), by policy and format.",
    labelNames: ["policy", "format"],
    buckets: [10, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200],
    registers: [r],
  });
  const messages = new Counter({
    name: "custodian_messages_exported_total",
    help: "Messages exported, by policy and format.",
    labelNames: ["policy", "format"],
    registers: [r],
  });
  const files = new Counter({
    name: "custodian_files_exported_total",
    help: "Files exported, by policy and format.",
    labelNames: ["policy", "format"],
    registers: [r],
  });
  const late = new Counter({
    name: "custodian_late_arrivals_total",
    help: "Records that arrived after the run that should have exported them, by policy.",
    labelNames: ["policy"],
    registers: [r],
  });
  const lastSuccess = new Gauge({
    name: "custodian_last_successful_export_timestamp_seconds",
    help: "When the last export of a policy finished with success or warning (Unix time).",
    labelNames: ["policy"],
    registers: [r],
  });

  const lastByPolicy = new Map<string, number>();
  for (const j of jobs) {
    byStatus.inc({ status: j.status, policy: j.policyId });
    messages.inc({ policy: j.policyId, format: j.format }, j.messagesExported);
    files.inc({ policy: j.policyId, format: j.format }, j.filesExported);
    const lateCount = j.lateArrivals;
    late.inc({ policy: j.policyId }, lateCount);
    if (DONE.includes(j.status) && j.finishedAt) {
      if (j.startedAt)
        duration.observe(
          { policy: j.policyId, format: j.format },
          (j.finishedAt.getTime() - j.startedAt.getTime()) / 1000,
        );
      lastByPolicy.set(
        j.policyId,
        Math.max(lastByPolicy.get(j.policyId) ?? 0, j.finishedAt.getTime() / 1000),
      );
    }
  }
  for (const [policy, at] of lastByPolicy) lastSuccess.set({ policy }, at);

  const deliveries = await db().deliveryLedger.groupBy({ by: ["status"], _count: { _all: true } });
  const delivered = new Counter({
    name: "custodian_emails_delivered_total",
    help: "Archive emails (Global Relay / Proofpoint) the SMTP server accepted.",
    registers: [r],
  });
  const failed = new Counter({
    name: "custodian_emails_failed_total",
    help: "Archive emails that failed for good.",
    registers: [r],
  });
  delivered.inc(deliveries.find((d) => d.status === "sent")?._count._all ?? 0);
  failed.inc(deliveries.find((d) => d.status === "failed")?._count._all ?? 0);

  const lag = new Gauge({
    name: "custodian_export_lag_seconds",
    help: "Age of the oldest record not yet exported, by policy.",
    labelNames: ["policy"],
    registers: [r],
  });
  for (const l of await readExportLag({ now })) lag.set({ policy: l.policyId }, l.seconds);

  const heartbeat = await db().workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" } });
  if (heartbeat) {
    new Gauge({
      name: "custodian_worker_heartbeat_age_seconds",
      help: "Seconds since the freshest worker heartbeat (absent: no worker has ever run).",
      registers: [r],
    }).set(Math.max(0, (now.getTime() - heartbeat.beatAt.getTime()) / 1000));
  }

  const merged = Registry.merge([r, processMetrics().registry]);
  return { contentType: merged.contentType, text: await merged.metrics() };
}
