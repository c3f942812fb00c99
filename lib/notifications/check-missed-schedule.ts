import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import { loadExportSettings } from "../settings/export-settings-store.ts";
import { consoleUrl } from "./console-url.ts";
import { loadNotificationSettings } from "./notification-settings-store.ts";
import { sendEmail } from "./send-email.ts";

const OVERDUE_MS = 26 * 3600_000; // a day plus slack for a long-running export
const KEY = "MissedScheduleAlertedAt";

/**
 * Warns the notification list when the daily export has not finished for more than a day while
 * it is enabled (Mattermost leaves admins to grep the logs for this). At most one email a day.
 */
export async function checkMissedSchedule(options: { now?: Date } = {}): Promise<boolean> {
  const now = options.now ?? new Date();
  const [exportSettings, settings] = await Promise.all([loadExportSettings(), loadNotificationSettings()]);
  if (!exportSettings.EnableExport || !settings.Enabled || !settings.NotifyOnMissedSchedule || settings.Recipients.length === 0) return false;
  if (now.getTime() - exportSettings.ExportFromTimestamp < OVERDUE_MS) return false;
  const lastGood = await db().exportJob.findFirst({ where: { movesCursor: true, status: { in: ["success", "warning"] } }, orderBy: { finishedAt: "desc" }, select: { finishedAt: true } });
  if (lastGood?.finishedAt && now.getTime() - lastGood.finishedAt.getTime() < OVERDUE_MS) return false;
  const alerted = await db().setting.findUnique({ where: { key: KEY } });
  if (alerted && now.getTime() - Number(alerted.value) < 24 * 3600_000) return false;
  const since = lastGood?.finishedAt ? `since ${lastGood.finishedAt.toISOString()}` : "since it was enabled";
  try {
    await sendEmail(settings, {
      to: settings.Recipients,
      subject: "[Custodian] The daily compliance export has not run for more than a day",
      text: `No daily compliance export has finished ${since}.\nScheduled time: ${exportSettings.DailyRunTime} (${exportSettings.TimeZone}).\n\nCheck the job table: ${consoleUrl("compliance-export")}`,
    });
  } catch (error) {
    logger().warn({ err: error }, "missed-schedule email failed; will retry");
    return false;
  }
  await db().setting.upsert({ where: { key: KEY }, create: { key: KEY, value: String(now.getTime()) }, update: { value: String(now.getTime()) } });
  return true;
}
