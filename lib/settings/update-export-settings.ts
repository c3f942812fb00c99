import type { AuditDetails } from "../audit/record.ts";
import { toSettingsView } from "./export-settings-store.ts";
import { saveExportSettings } from "./save-export-settings.ts";
import type { ExportSettingsView, TExportSettingsParsed } from "./schema.ts";

/** Saves settings and describes the change for the `patchConfig` audit record. */
export async function updateExportSettings(options: { input: TExportSettingsParsed; now?: Date }): Promise<{ view: ExportSettingsView; audit: AuditDetails }> {
  const { after, diffs } = await saveExportSettings(options);
  return {
    view: toSettingsView(after),
    audit: { parameters: { MessageExportSettings: options.input }, priorState: { config_diffs: diffs } },
  };
}
