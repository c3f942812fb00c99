import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import type { ConfigDiff } from "../audit/record.ts";
import { configDiffs } from "./config-diff.ts";
import { globalRelayEndpoint, loadExportSettings, writeExportSettings } from "./export-settings-store.ts";
import { keepOrClearSecret } from "./secret-binding.ts";
import { isMask, type ExportSettings, type TExportSettingsParsed } from "./schema.ts";

export class SettingsRejectedError extends UserError {
  constructor(fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors).join(" "), 400, fieldErrors);
  }
}

/**
 * Saves validated settings. The password is write-only: absent or the mask keeps the stored one,
 * unless the endpoint it was entered for changed (host, port, TLS mode, username): then it is
 * cleared (`passwordCleared`), so it can never be sent to a server it was not entered for.
 * The first time the export is switched on, that moment becomes ExportFromTimestamp, so nothing
 * from before it is exported.
 */
export async function saveExportSettings(options: { input: TExportSettingsParsed; now?: Date }): Promise<{ before: ExportSettings; after: ExportSettings; diffs: ConfigDiff[]; passwordCleared: boolean }> {
  const now = options.now ?? new Date();
  return db().$transaction(async (tx) => {
    const before = await loadExportSettings(tx);
    const { SMTPPassword, ...gr } = options.input.GlobalRelaySettings;
    const entered = SMTPPassword === undefined || isMask(SMTPPassword) ? undefined : SMTPPassword;
    const password = keepOrClearSecret({
      current: before.GlobalRelaySettings.SMTPPassword,
      entered,
      before: globalRelayEndpoint(before.GlobalRelaySettings),
      after: globalRelayEndpoint(gr),
    });
    const after: ExportSettings = {
      ...options.input,
      ExportFromTimestamp:
        options.input.EnableExport && before.ExportFromTimestamp === 0 ? now.getTime() : before.ExportFromTimestamp,
      GlobalRelaySettings: { ...gr, SMTPPassword: password.secret },
    };
    if (after.EnableExport && after.ExportFormat === "globalrelay" && !after.GlobalRelaySettings.SMTPPassword) {
      throw new SettingsRejectedError({
        "GlobalRelaySettings.SMTPPassword": password.cleared ? "The server, port, TLS mode or username changed: enter the SMTP password for it again." : "Enter the SMTP password.",
      });
    }
    const diffs = configDiffs("MessageExportSettings", before, after);
    if (diffs.length > 0) await writeExportSettings(after, tx);
    return { before, after, diffs, passwordCleared: password.cleared };
  });
}
