"use server";

import { z } from "zod";
import {
  confirmNotificationServer,
  loadNotificationSettings,
  notificationDestinationDiffs,
  saveNotificationSettings,
  toNotificationSettingsView,
} from "@/lib/notifications/notification-settings-store.ts";
import { announceDestinationChange } from "@/lib/notifications/announce-destination-change.ts";
import { consumeRateLimit, SMTP_TEST_LIMIT } from "@/lib/auth/rate-limit.ts";
import {
  NOTIFICATION_SETTINGS_AUDIT_FIELDS,
  ZNotificationSettingsInput,
} from "@/lib/notifications/schema.ts";
import { sendEmail } from "@/lib/notifications/send-email.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { AuditedUserError, defineAction } from "@/app/_server/action.ts";

export const saveNotificationSettingsAction = defineAction(
  {
    id: "/notifications#save",
    schema: ZNotificationSettingsInput,
    right: "configure",
    event: "patchConfig",
    objectType: "config",
    auditable: NOTIFICATION_SETTINGS_AUDIT_FIELDS,
    auditAs: "NotificationSettings",
  },
  async ({ input, session }) => {
    const { before, after, diffs, passwordCleared } = await saveNotificationSettings(input, {
      byOwner: session.user.isOwner,
    });
    const destination = notificationDestinationDiffs(diffs);
    // Announced through the previous server: whoever set up the new one cannot swallow the notice.
    const notice = destination.length
      ? await announceDestinationChange({
          what: "Notifications",
          diffs: destination,
          changedBy: session.user.email,
          via: before,
        })
      : undefined;
    return {
      data: { view: toNotificationSettingsView(after), passwordCleared },
      audit: {
        priorState: { config_diffs: diffs },
        resultingState: {
          password_cleared: passwordCleared,
          ...(notice ? { change_notice: notice } : {}),
        },
      },
    };
  },
);

export const sendTestEmailAction = defineAction(
  {
    id: "/notifications#test",
    schema: z.object({}).strict(),
    right: "configure",
    event: "testSmtpConnection",
    objectType: "config",
    auditable: {},
  },
  async ({ session }) => {
    const settings = await loadNotificationSettings();
    if (!settings.SMTPHost || !settings.FromAddress)
      throw new UserError("Save the mail server and the sender address first.", 400);
    const target = { kind: "notifications", host: settings.SMTPHost, port: settings.SMTPPort };
    const allowed = await consumeRateLimit({
      key: `smtp-test:${session.user.id}`,
      ...SMTP_TEST_LIMIT,
    });
    if (!allowed.ok)
      throw new AuditedUserError(
        `Too many test emails. Try again in ${allowed.retryAfterSeconds} seconds.`,
        429,
        target,
      );
    try {
      await sendEmail(settings, {
        to: [session.user.email],
        subject: "[Custodian] Test email",
        text: "Custodian can send notification emails through this mail server.",
      });
    } catch (error) {
      throw new AuditedUserError(
        `The mail server refused: ${(error as Error).message}`,
        502,
        target,
      );
    }
    return {
      data: { to: session.user.email },
      audit: { parameters: { ...target, to: session.user.email }, resultingState: { ok: true } },
    };
  },
);

/** The owner vouches for the notification server: set-password links may go through it at once. */
export const confirmNotificationServerAction = defineAction(
  {
    id: "/notifications#confirmServer",
    schema: z.object({}).strict(),
    right: "owner",
    event: "patchConfig",
    objectType: "config",
    auditable: {},
  },
  async () => {
    const { diffs } = await confirmNotificationServer();
    return { data: { confirmed: true }, audit: { priorState: { config_diffs: diffs } } };
  },
);
