import { record } from "../audit/record.ts";
import type { AuditActor } from "../audit/actor.ts";
import { loadExportSettings, toSettingsView } from "./export-settings-store.ts";
import type { ExportSettingsView } from "../settings/schema.ts";

/** The settings as an admin may see them, audited as `getConfig`. */
export async function readExportSettingsView(options: {
  actor: AuditActor;
  apiPath: string;
}): Promise<ExportSettingsView> {
  const view = toSettingsView(await loadExportSettings());
  await record({
    eventName: "getConfig",
    status: "success",
    actor: options.actor,
    objectType: "config",
    apiPath: options.apiPath,
  });
  return view;
}
