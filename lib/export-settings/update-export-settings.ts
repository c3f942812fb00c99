import type { AuditDetails, ConfigDiff } from "../audit/record.ts";
import { toSettingsView } from "./export-settings-store.ts";
import { saveExportSettings } from "./save-export-settings.ts";
import {
  exportDestinationDiffs,
  type ExportSettingsView,
  type TExportSettingsParsed,
} from "../settings/schema.ts";

/**
 * Saves settings and describes the change for the `patchConfig` audit record (the parameters come
 * from the caller's allow-list). `destination` lists the changes that redirect the archive feed:
 * the caller announces them (lib/notifications/announce-destination-change.ts).
 */
export async function updateExportSettings(options: {
  input: TExportSettingsParsed;
  now?: Date;
}): Promise<{
  view: ExportSettingsView;
  audit: Pick<AuditDetails, "priorState">;
  destination: ConfigDiff[];
  passwordCleared: boolean;
}> {
  const { after, diffs, passwordCleared } = await saveExportSettings(options);
  return {
    view: toSettingsView(after),
    audit: { priorState: { config_diffs: diffs } },
    destination: exportDestinationDiffs(diffs),
    passwordCleared,
  };
}
