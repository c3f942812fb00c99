import type { ConfigDiff } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { configDiffs } from "../settings/config-diff.ts";
import {
  keepOrClearSecret,
  openBoundSecret,
  sameEndpoint,
  sealBoundSecret,
} from "../settings/secret-binding.ts";
import { isMask } from "../settings/schema.ts";
import {
  defaultNotificationSettings,
  notificationEndpoint,
  type NotificationSettings,
  type NotificationSettingsView,
  type TNotificationSettingsParsed,
} from "./schema.ts";

export { notificationEndpoint } from "./schema.ts";

const KEY = "NotificationSettings";
/** How long set-password links avoid a notification server an admin other than the owner set up. */
export const LINK_HOLD_MS = 24 * 3600_000;

/** Settings that decide where notification mail goes and through which server: a change is announced. */
const DESTINATION_PATHS = new Set(
  ["SMTPHost", "SMTPPort", "Security", "SMTPUsername", "Recipients"].map(
    (k) => `NotificationSettings.${k}`,
  ),
);

export function notificationDestinationDiffs(diffs: ConfigDiff[]): ConfigDiff[] {
  return diffs.filter((d) => DESTINATION_PATHS.has(d.path));
}

export async function loadNotificationSettings(): Promise<NotificationSettings> {
  const row = await db().setting.findUnique({ where: { key: KEY } });
  const stored = {
    ...defaultNotificationSettings(),
    ...(row ? (JSON.parse(row.value) as Partial<NotificationSettings>) : {}),
  };
  return {
    ...stored,
    SMTPPassword: openBoundSecret(stored.SMTPPassword, notificationEndpoint(stored)),
  };
}

export function toNotificationSettingsView(s: NotificationSettings): NotificationSettingsView {
  const { SMTPPassword, ...rest } = s;
  return { ...rest, SMTPPasswordSet: SMTPPassword !== "" };
}

/**
 * Saves the notification settings. The password is write-only: absent or the mask keeps it, unless
 * the endpoint it was entered for changed (host, port, security, username): then it is cleared.
 * A new server is trusted with set-password links at once when the owner set it up, else after
 * LINK_HOLD_MS (or when the owner confirms it).
 */
export async function saveNotificationSettings(
  input: TNotificationSettingsParsed,
  options: { byOwner?: boolean; now?: Date } = {},
): Promise<{
  before: NotificationSettings;
  after: NotificationSettings;
  diffs: ConfigDiff[];
  passwordCleared: boolean;
}> {
  const now = (options.now ?? new Date()).getTime();
  const before = await loadNotificationSettings();
  const entered =
    input.SMTPPassword === undefined || isMask(input.SMTPPassword) ? undefined : input.SMTPPassword;
  const password = keepOrClearSecret({
    current: before.SMTPPassword,
    entered,
    before: notificationEndpoint(before),
    after: notificationEndpoint(input),
  });
  const serverChanged = !sameEndpoint(notificationEndpoint(before), notificationEndpoint(input));
  const trustedFrom = !serverChanged
    ? before.ServerTrustedFrom
    : options.byOwner
      ? now
      : now + LINK_HOLD_MS;
  const after: NotificationSettings = {
    ...input,
    SMTPPassword: password.secret,
    ServerTrustedFrom: trustedFrom,
  };
  const diffs = configDiffs("NotificationSettings", before, after);
  if (diffs.length) await store(after);
  return { before, after, diffs, passwordCleared: password.cleared };
}

/** The owner vouches for the current notification server: set-password links may use it now. */
export async function confirmNotificationServer(
  options: { now?: Date } = {},
): Promise<{ diffs: ConfigDiff[] }> {
  const before = await loadNotificationSettings();
  const now = (options.now ?? new Date()).getTime();
  if (before.ServerTrustedFrom <= now) return { diffs: [] };
  const after = { ...before, ServerTrustedFrom: now };
  await store(after);
  return { diffs: configDiffs("NotificationSettings", before, after) };
}

async function store(settings: NotificationSettings): Promise<void> {
  const value = JSON.stringify({
    ...settings,
    SMTPPassword: sealBoundSecret(settings.SMTPPassword, notificationEndpoint(settings)),
  });
  await db().setting.upsert({
    where: { key: KEY },
    create: { key: KEY, value },
    update: { value },
  });
}

/** Whether notification email can be sent at all. */
export function notificationMailConfigured(s: NotificationSettings): boolean {
  return s.Enabled && s.SMTPHost !== "" && s.FromAddress !== "";
}
