import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import { consoleUrl } from "./console-url.ts";
import { loadNotificationSettings } from "./notification-settings-store.ts";
import { sendEmail } from "./send-email.ts";

const LOOK_BACK_MS = 24 * 3600_000;

/**
 * Tells people about jobs that ended: the requester of a request, and the notification list about
 * failures and warnings. A job is marked notified only once its email was accepted, so a mail
 * server that is down is retried on the next tick (for a day); the export itself never waits.
 */
export async function notifyFinishedJobs(
  options: { now?: Date } = {},
): Promise<{ sent: number; failed: number }> {
  const now = options.now ?? new Date();
  const settings = await loadNotificationSettings();
  if (!settings.Enabled) return { sent: 0, failed: 0 };
  const jobs = await db().exportJob.findMany({
    where: {
      notifiedAt: null,
      finishedAt: { not: null, gte: new Date(now.getTime() - LOOK_BACK_MS) },
      status: { in: ["success", "warning", "error", "canceled"] },
    },
    orderBy: { finishedAt: "asc" },
    take: 20,
  });
  let sent = 0;
  let failed = 0;
  for (const job of jobs) {
    const to = new Set<string>();
    if (job.trigger === "request" && settings.NotifyRequesters && job.initiatedBy) {
      const requester = await db().adminUser.findUnique({
        where: { id: job.initiatedBy },
        select: { email: true, disabledAt: true },
      });
      if (requester && !requester.disabledAt) to.add(requester.email);
    }
    if (
      (job.status === "error" && settings.NotifyOnFailure) ||
      (job.status === "warning" && settings.NotifyOnWarning)
    ) {
      for (const r of settings.Recipients) to.add(r);
    }
    if (to.size > 0) {
      try {
        await sendEmail(settings, { to: [...to], ...describeJob(job) });
        sent++;
      } catch (error) {
        failed++;
        logger().warn({ err: error, job_id: job.id }, "notification email failed; will retry");
        continue;
      }
    }
    await db().exportJob.update({ where: { id: job.id }, data: { notifiedAt: now } });
  }
  return { sent, failed };
}

function describeJob(job: {
  id: string;
  status: string;
  trigger: string;
  format: string;
  messagesExported: number;
  filesExported: number;
  warningCount: number;
  error: string;
}): { subject: string; text: string } {
  const what = job.trigger === "request" ? "Your export request" : "A compliance export";
  const outcome =
    {
      success: "is ready",
      warning: "finished with warnings",
      error: "failed",
      canceled: "was canceled",
    }[job.status] ?? job.status;
  const lines = [
    `${what} ${outcome}.`,
    "",
    `Job: ${job.id}`,
    `Format: ${job.format}`,
    `Messages exported: ${job.messagesExported}`,
    `Files exported: ${job.filesExported}`,
    ...(job.warningCount ? [`Warnings: ${job.warningCount} (see warning.txt in the export)`] : []),
    ...(job.error ? [`Error: ${job.error}`] : []),
    "",
    `Open it in Custodian: ${consoleUrl(`jobs/${job.id}`)}`,
    ...(job.status === "success" || job.status === "warning"
      ? [`Downloads are kept for ${env().CUSTODIAN_RETENTION_DAYS} days.`]
      : []),
  ];
  return { subject: `[Custodian] ${what} ${outcome}`, text: lines.join("\n") };
}
