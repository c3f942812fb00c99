import { db, type Tx } from "../db/client.ts";
import { openBoundSecret, sealBoundSecret } from "./secret-binding.ts";
import { defaultExportSettings, globalRelayEndpoint, type ExportSettings, type ExportSettingsView } from "./schema.ts";

export { globalRelayEndpoint } from "./schema.ts";

const KEY = "MessageExportSettings";
/**
 * Mattermost's GlobalRelaySettings are the configuration of the built-in archive mailbox target
 * "globalrelay" (lib/targets): the Compliance Export page, `config set` and the settings API read
 * and write them there, so the page and the Targets page edit the same row.
 */
const GLOBAL_RELAY_TARGET = { id: "globalrelay", name: "Global Relay" };

type GlobalRelay = ExportSettings["GlobalRelaySettings"];

/** The export settings with the SMTP password opened for the stored endpoint (server-side use only). */
export async function loadExportSettings(tx: Tx = db()): Promise<ExportSettings> {
  const row = await tx.setting.findUnique({ where: { key: KEY } });
  const target = await tx.target.findUnique({ where: { id: GLOBAL_RELAY_TARGET.id } });
  const d = defaultExportSettings();
  const raw = (row ? JSON.parse(row.value) : {}) as Partial<ExportSettings>;
  const gr: GlobalRelay = { ...d.GlobalRelaySettings, ...(target ? (JSON.parse(target.config) as Partial<GlobalRelay>) : {}), SMTPPassword: "" };
  gr.SMTPPassword = target ? openBoundSecret(target.secret, globalRelayEndpoint(gr)) : "";
  return { ...d, ...raw, GlobalRelaySettings: gr };
}

export async function writeExportSettings(settings: ExportSettings, tx: Tx = db()): Promise<void> {
  const { GlobalRelaySettings: gr, ...rest } = settings;
  const { SMTPPassword, ...config } = gr;
  const value = JSON.stringify(rest);
  await tx.setting.upsert({ where: { key: KEY }, create: { key: KEY, value }, update: { value } });
  const target = { config: JSON.stringify(config), secret: sealBoundSecret(SMTPPassword, globalRelayEndpoint(gr)) };
  await tx.target.upsert({ where: { id: GLOBAL_RELAY_TARGET.id }, create: { ...GLOBAL_RELAY_TARGET, kind: "smtp", ...target }, update: target });
}

/** The settings as the browser may see them. */
export function toSettingsView(settings: ExportSettings): ExportSettingsView {
  const { SMTPPassword, ...gr } = settings.GlobalRelaySettings;
  return { ...settings, GlobalRelaySettings: { ...gr, SMTPPasswordSet: SMTPPassword !== "" } };
}
