import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import { describeSchedule, latestSlot, nextSlot } from "../policies/schedule.ts";
import { DEFAULT_POLICY_ID, listPolicies, type Policy } from "../policies/policy-store.ts";
import { consoleUrl } from "./console-url.ts";
import { loadNotificationSettings } from "./notification-settings-store.ts";
import type { NotificationSettings } from "./schema.ts";
import { sendEmail } from "./send-email.ts";

const DAY_MS = 24 * 3600_000;
const SLACK_MS = 2 * 3600_000; // a long-running export

/**
 * Warns the notification list when an enabled policy has not finished a scheduled-style run (one
 * that moves its cursor) for longer than its schedule's interval plus slack — a day and two hours
 * for a daily policy (Mattermost leaves admins to grep the logs for this). At most one email a day
 * per policy.
 */
export async function checkMissedSchedule(options: { now?: Date } = {}): Promise<boolean> {
  const now = options.now ?? new Date();
  const settings = await loadNotificationSettings();
  if (!settings.Enabled || !settings.NotifyOnMissedSchedule || settings.Recipients.length === 0)
    return false;
  let sent = false;
  for (const policy of await listPolicies()) {
    if (policy.enabled && (await checkPolicy(policy, settings, now))) sent = true;
  }
  return sent;
}

/** How long a policy may go without a good run: its schedule's interval (at least a day) plus slack. */
function overdueAfter(policy: Policy, now: Date): number {
  const last = latestSlot(policy.id, policy.schedule, policy.timeZone, now);
  const next = last ? nextSlot(policy.id, policy.schedule, policy.timeZone, last.at) : null;
  const interval = last && next ? next.at.getTime() - last.at.getTime() : DAY_MS;
  return Math.max(interval, DAY_MS) + SLACK_MS;
}

async function checkPolicy(
  policy: Policy,
  settings: NotificationSettings,
  now: Date,
): Promise<boolean> {
  const overdue = overdueAfter(policy, now);
  if (now.getTime() - policy.exportFrom < overdue) return false;
  const lastGood = await db().exportJob.findFirst({
    where: { policyId: policy.id, movesCursor: true, status: { in: ["success", "warning"] } },
    orderBy: { finishedAt: "desc" },
    select: { finishedAt: true },
  });
  if (lastGood?.finishedAt && now.getTime() - lastGood.finishedAt.getTime() < overdue) return false;
  if (policy.missedAlertAt && now.getTime() - policy.missedAlertAt.getTime() < DAY_MS) return false;
  const since = lastGood?.finishedAt
    ? `since ${lastGood.finishedAt.toISOString()}`
    : "since it was enabled";
  const isDefault = policy.id === DEFAULT_POLICY_ID;
  const when =
    policy.schedule.kind === "daily" ? policy.schedule.at : describeSchedule(policy.schedule);
  try {
    await sendEmail(settings, {
      to: settings.Recipients,
      subject: isDefault
        ? "[Custodian] The daily compliance export has not run for more than a day"
        : `[Custodian] The export policy "${policy.name}" has missed its schedule`,
      text: `No ${isDefault ? "daily compliance export" : `run of the export policy "${policy.name}"`} has finished ${since}.\nScheduled time: ${when} (${policy.timeZone}).\n\nCheck the job table: ${consoleUrl(isDefault ? "compliance-export" : "policies")}`,
    });
  } catch (error) {
    logger().warn({ err: error, policy_id: policy.id }, "missed-schedule email failed; will retry");
    return false;
  }
  await db().exportPolicy.updateMany({ where: { id: policy.id }, data: { missedAlertAt: now } });
  return true;
}
