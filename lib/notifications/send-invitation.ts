import { logger } from "../log/logger.ts";
import { consoleUrl } from "./console-url.ts";
import {
  loadNotificationSettings,
  notificationMailConfigured,
} from "./notification-settings-store.ts";
import { sendEmail } from "./send-email.ts";

export type LinkDelivery = { emailed: boolean; reason: string };

type LinkEmail = { email: string; token: string; expiresAt: Date; now?: Date };

/**
 * Emails a set-password link when notification email is configured and its server is trusted: not
 * changed in the last 24 hours by an admin other than the owner, unless the owner confirmed it (a
 * redirected server must not collect account takeovers). Otherwise the caller shows the link once.
 */
async function sendLink(
  options: LinkEmail & { subject: string; lines: string[] },
): Promise<LinkDelivery> {
  const settings = await loadNotificationSettings();
  if (!notificationMailConfigured(settings))
    return { emailed: false, reason: "notification email is not configured" };
  const now = (options.now ?? new Date()).getTime();
  if (now < settings.ServerTrustedFrom) {
    return {
      emailed: false,
      reason: `the notification mail server was changed less than 24 hours ago and the owner has not confirmed it (until ${new Date(settings.ServerTrustedFrom).toISOString()})`,
    };
  }
  const link = consoleUrl(`set-password?token=${encodeURIComponent(options.token)}`);
  try {
    await sendEmail(settings, {
      to: [options.email],
      subject: options.subject,
      text: [
        ...options.lines,
        "",
        `Set your password here (the link works once, until ${options.expiresAt.toISOString()}):`,
        link,
      ].join("\n"),
    });
    return { emailed: true, reason: "" };
  } catch (error) {
    logger().warn({ err: error }, "set-password email failed");
    return { emailed: false, reason: "the mail server refused the email" };
  }
}

/** A new admin's first link. */
export function sendInvitation(options: LinkEmail & { invitedBy: string }): Promise<LinkDelivery> {
  return sendLink({
    ...options,
    subject: "[Custodian] You have been added as an admin",
    lines: [
      `${options.invitedBy} added you as an admin of Custodian, the compliance export console.`,
    ],
  });
}

/** A reissued link (forgotten password): emailed to the admin, never shown to whoever reissued it when mail works. */
export function sendPasswordReset(options: LinkEmail & { resetBy: string }): Promise<LinkDelivery> {
  return sendLink({
    ...options,
    subject: "[Custodian] Set a new password",
    lines: [`${options.resetBy} reset your Custodian password. Your old password no longer works.`],
  });
}
