import { logger } from "../log/logger.ts";
import { consoleUrl } from "./console-url.ts";
import { loadNotificationSettings } from "./notification-settings-store.ts";
import { sendEmail } from "./send-email.ts";

/**
 * Emails a new admin their one-time set-password link when notification email is configured.
 * Returns false when it is not configured or the mail server refused; the console then shows the
 * link once instead, so adding an admin never depends on mail.
 */
export async function sendInvitation(options: { email: string; token: string; expiresAt: Date; invitedBy: string }): Promise<boolean> {
  const settings = await loadNotificationSettings();
  if (!settings.Enabled || !settings.SMTPHost || !settings.FromAddress) return false;
  const link = consoleUrl(`set-password?token=${encodeURIComponent(options.token)}`);
  try {
    await sendEmail(settings, {
      to: [options.email],
      subject: "[Custodian] You have been added as an admin",
      text: [
        `${options.invitedBy} added you as an admin of Custodian, the compliance export console.`,
        "",
        `Set your password here (the link works once, until ${options.expiresAt.toISOString()}):`,
        link,
      ].join("\n"),
    });
    return true;
  } catch (error) {
    logger().warn({ err: error }, "invitation email failed; the link is shown in the console instead");
    return false;
  }
}
