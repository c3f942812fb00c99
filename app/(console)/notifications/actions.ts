"use server";

import { z } from "zod";
import { loadNotificationSettings, saveNotificationSettings, toNotificationSettingsView } from "@/lib/notifications/notification-settings-store.ts";
import { ZNotificationSettingsInput } from "@/lib/notifications/schema.ts";
import { sendEmail } from "@/lib/notifications/send-email.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { defineAction } from "@/app/_server/action.ts";

export const saveNotificationSettingsAction = defineAction(
  { id: "/notifications#save", schema: ZNotificationSettingsInput, right: "configure", event: "patchConfig", objectType: "config" },
  async ({ input }) => {
    const { after, diffs } = await saveNotificationSettings(input);
    return { data: toNotificationSettingsView(after), audit: { parameters: { NotificationSettings: input }, priorState: { config_diffs: diffs } } };
  },
);

export const sendTestEmailAction = defineAction(
  { id: "/notifications#test", schema: z.object({}).strict(), right: "configure", event: "testSmtpConnection", objectType: "config" },
  async ({ session }) => {
    const settings = await loadNotificationSettings();
    if (!settings.SMTPHost || !settings.FromAddress) throw new UserError("Save the mail server and the sender address first.", 400);
    try {
      await sendEmail(settings, { to: [session.user.email], subject: "[Custodian] Test email", text: "Custodian can send notification emails through this mail server." });
    } catch (error) {
      throw new UserError(`The mail server refused: ${(error as Error).message}`, 502);
    }
    return { data: { to: session.user.email }, audit: { parameters: { kind: "notifications", to: session.user.email }, resultingState: { ok: true } } };
  },
);
