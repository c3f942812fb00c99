import type { ConfigDiff } from "../audit/record.ts";
import { SECRET_MASK } from "../audit/mask.ts";
import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import { consoleUrl } from "./console-url.ts";
import {
  loadNotificationSettings,
  notificationMailConfigured,
} from "./notification-settings-store.ts";
import type { NotificationSettings } from "./schema.ts";
import { sendEmail } from "./send-email.ts";

export type DestinationNotice = { sent: boolean; to: string[]; reason?: string };

/**
 * Tells the owner and every active admin with `audit` that archive or notification mail now goes
 * somewhere else, with the old and new values. `via` is the mail server to use: for a change of
 * the notification server itself, the previous one, which the admin who changed it cannot read.
 */
export async function announceDestinationChange(options: {
  what: "Compliance Export" | "Notifications" | "Export targets";
  diffs: ConfigDiff[];
  changedBy: string;
  via?: NotificationSettings;
  now?: Date;
}): Promise<DestinationNotice> {
  const previous = options.via && notificationMailConfigured(options.via) ? options.via : undefined;
  const settings = previous ?? (await loadNotificationSettings());
  const admins = await db().adminUser.findMany({
    where: {
      disabledAt: null,
      OR: [{ ownerSlot: "owner" }, { rights: { some: { right: "audit" } } }],
    },
    select: { email: true },
  });
  const to = admins.map((a) => a.email).sort();
  if (!notificationMailConfigured(settings))
    return { sent: false, to, reason: "notification email is not configured" };
  if (to.length === 0) return { sent: false, to, reason: "nobody to tell" };
  const show = (v: unknown) =>
    v === SECRET_MASK
      ? "(a password)"
      : v === "" || v === undefined
        ? "(empty)"
        : Array.isArray(v)
          ? v.join(", ") || "(empty)"
          : String(v);
  const text = [
    `${options.changedBy} changed where ${options.what === "Notifications" ? "Custodian's notification email goes" : "the compliance archive is sent"}:`,
    "",
    ...options.diffs.map((d) => `${d.path}: ${show(d.base_val)} -> ${show(d.actual_val)}`),
    "",
    `At ${(options.now ?? new Date()).toISOString()}. If this was not meant to happen, review the audit log and the settings:`,
    consoleUrl(
      options.what === "Compliance Export"
        ? "compliance-export"
        : options.what === "Export targets"
          ? "targets"
          : "notifications",
    ),
  ].join("\n");
  try {
    await sendEmail(settings, {
      to,
      subject: `[Custodian] ${options.what}: the destination was changed`,
      text,
    });
    return { sent: true, to };
  } catch (error) {
    logger().warn({ err: error }, "destination change notice failed");
    return { sent: false, to, reason: `the mail server refused: ${(error as Error).message}` };
  }
}
