import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import type { ConfigDiff } from "../audit/record.ts";
import { configDiffs } from "./config-diff.ts";
import { loadExportSettings, writeExportSettings } from "./export-settings-store.ts";
import { isMask, type ExportSettings, type TExportSettingsParsed } from "./schema.ts";

export class SettingsRejectedError extends UserError {
  constructor(fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors).join(" "), 400, fieldErrors);
  }
}

/**
 * Saves validated settings. The password is write-only: absent or the mask keeps the stored one.
 * The first time the export is switched on, that moment becomes ExportFromTimestamp, so nothing
 * from before it is exported.
 */
export async function saveExportSettings(options: { input: TExportSettingsParsed; now?: Date }): Promise<{ before: ExportSettings; after: ExportSettings; diffs: ConfigDiff[] }> {
  const now = options.now ?? new Date();
  return db().$transaction(async (tx) => {
    const before = await loadExportSettings(tx);
    const { SMTPPassword, ...gr } = options.input.GlobalRelaySettings;
    const keep = SMTPPassword === undefined || isMask(SMTPPassword);
    const after: ExportSettings = {
      ...options.input,
      ExportFromTimestamp:
        options.input.EnableExport && before.ExportFromTimestamp === 0 ? now.getTime() : before.ExportFromTimestamp,
      GlobalRelaySettings: { ...gr, SMTPPassword: keep ? before.GlobalRelaySettings.SMTPPassword : SMTPPassword },
    };
    if (after.EnableExport && after.ExportFormat === "globalrelay" && !after.GlobalRelaySettings.SMTPPassword) {
      throw new SettingsRejectedError({ "GlobalRelaySettings.SMTPPassword": "Enter the SMTP password." });
    }
    const diffs = configDiffs("MessageExportSettings", before, after);
    if (diffs.length > 0) await writeExportSettings(after, tx);
    return { before, after, diffs };
  });
}
