import type { ConfigDiff } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { configDiffs } from "../settings/config-diff.ts";
import { decryptSecret, encryptSecret } from "../settings/secret-box.ts";
import { isMask } from "../settings/schema.ts";
import { defaultNotificationSettings, type NotificationSettings, type NotificationSettingsView, type TNotificationSettingsParsed } from "./schema.ts";

const KEY = "NotificationSettings";

export async function loadNotificationSettings(): Promise<NotificationSettings> {
  const row = await db().setting.findUnique({ where: { key: KEY } });
  const stored = { ...defaultNotificationSettings(), ...(row ? (JSON.parse(row.value) as Partial<NotificationSettings>) : {}) };
  return { ...stored, SMTPPassword: stored.SMTPPassword ? decryptSecret(stored.SMTPPassword) : "" };
}

export function toNotificationSettingsView(s: NotificationSettings): NotificationSettingsView {
  const { SMTPPassword, ...rest } = s;
  return { ...rest, SMTPPasswordSet: SMTPPassword !== "" };
}

/** Saves the notification settings; the password is write-only (absent or the mask keeps it). */
export async function saveNotificationSettings(input: TNotificationSettingsParsed): Promise<{ after: NotificationSettings; diffs: ConfigDiff[] }> {
  const before = await loadNotificationSettings();
  const keep = input.SMTPPassword === undefined || isMask(input.SMTPPassword);
  const after: NotificationSettings = { ...input, SMTPPassword: keep ? before.SMTPPassword : input.SMTPPassword! };
  const diffs = configDiffs("NotificationSettings", before, after);
  if (diffs.length) {
    const value = JSON.stringify({ ...after, SMTPPassword: after.SMTPPassword ? encryptSecret(after.SMTPPassword) : "" });
    await db().setting.upsert({ where: { key: KEY }, create: { key: KEY, value }, update: { value } });
  }
  return { after, diffs };
}
