import { db, type Tx } from "../db/client.ts";
import { openBoundSecret, sealBoundSecret } from "./secret-binding.ts";
import { defaultExportSettings, globalRelayEndpoint, type ExportSettings, type ExportSettingsView } from "./schema.ts";

export { globalRelayEndpoint } from "./schema.ts";

const KEY = "MessageExportSettings";

type Stored = ExportSettings & { GlobalRelaySettings: ExportSettings["GlobalRelaySettings"] & { SMTPPassword: string } };

function mergeDefaults(raw: Partial<Stored>): ExportSettings {
  const d = defaultExportSettings();
  return { ...d, ...raw, GlobalRelaySettings: { ...d.GlobalRelaySettings, ...(raw.GlobalRelaySettings ?? {}) } };
}

/** The export settings with the SMTP password opened for the stored endpoint (server-side use only). */
export async function loadExportSettings(tx: Tx = db()): Promise<ExportSettings> {
  const row = await tx.setting.findUnique({ where: { key: KEY } });
  const stored = mergeDefaults(row ? (JSON.parse(row.value) as Partial<Stored>) : {});
  const sealed = stored.GlobalRelaySettings.SMTPPassword;
  return { ...stored, GlobalRelaySettings: { ...stored.GlobalRelaySettings, SMTPPassword: openBoundSecret(sealed, globalRelayEndpoint(stored.GlobalRelaySettings)) } };
}

export async function writeExportSettings(settings: ExportSettings, tx: Tx = db()): Promise<void> {
  const pw = settings.GlobalRelaySettings.SMTPPassword;
  const stored = { ...settings, GlobalRelaySettings: { ...settings.GlobalRelaySettings, SMTPPassword: sealBoundSecret(pw, globalRelayEndpoint(settings.GlobalRelaySettings)) } };
  const value = JSON.stringify(stored);
  await tx.setting.upsert({ where: { key: KEY }, create: { key: KEY, value }, update: { value } });
}

/** The settings as the browser may see them. */
export function toSettingsView(settings: ExportSettings): ExportSettingsView {
  const { SMTPPassword, ...gr } = settings.GlobalRelaySettings;
  return { ...settings, GlobalRelaySettings: { ...gr, SMTPPasswordSet: SMTPPassword !== "" } };
}
