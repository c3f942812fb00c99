import { componentActor } from "../../audit/actor.ts";
import { SECRET_MASK } from "../../audit/mask.ts";
import { record } from "../../audit/record.ts";
import { fieldErrorsOf, UserError } from "../../errors/user-error.ts";
import { loadExportSettings, toSettingsView } from "../../settings/export-settings-store.ts";
import { ZExportSettingsInput } from "../../settings/schema.ts";
import { applySettingsPatch } from "../../settings/settings-patch.ts";
import { updateExportSettings } from "../../settings/update-export-settings.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";
import { readSecretInput } from "../read-secret-input.ts";

const USAGE = `Usage:
  npm run cli -- config show
  npm run cli -- config set <Key> <value>
  npm run cli -- config set GlobalRelaySettings.SMTPPassword -     (reads the secret from standard input)

Keys are Mattermost's MessageExportSettings names: EnableExport, DailyRunTime, TimeZone, ExportFormat,
BatchSize, ExportAttachments, GlobalRelaySettings.{CustomerType,SMTPUsername,SMTPPassword,EmailAddress,
CustomSMTPServerName,CustomSMTPPort,SMTPServerTimeout}. The same validation and audit as the console.`;

const BOOLEAN_KEYS = new Set(["EnableExport", "ExportAttachments"]);
const SECRET_KEYS = new Set(["GlobalRelaySettings.SMTPPassword"]);

export const command: CliCommand = {
  summary: "Show or change the Compliance Export settings",
  usage: USAGE,
  async run(argv) {
    const [sub, key, value, ...extra] = argv;
    const actor = componentActor("cli");
    if (sub === "show") {
      const view = toSettingsView(await loadExportSettings());
      await record({ eventName: "getConfig", status: "success", actor, objectType: "config", apiPath: "cli:config show" });
      const { SMTPPasswordSet, ...gr } = view.GlobalRelaySettings;
      console.log(JSON.stringify({ MessageExportSettings: { ...view, GlobalRelaySettings: { ...gr, SMTPPassword: SMTPPasswordSet ? SECRET_MASK : "" } } }, null, 2));
      return 0;
    }
    if (sub !== "set" || !key || value === undefined || extra.length) throw new CliUsageError(USAGE);
    const raw = SECRET_KEYS.has(key) ? (value === "-" ? await readSecretInput() : refuseInlineSecret(key)) : value;
    const typed: unknown = BOOLEAN_KEYS.has(key) ? parseBoolean(key, raw) : raw;
    const patch = key.split(".").reduceRight<unknown>((inner, part) => ({ [part]: inner }), typed);
    const apiPath = "cli:config set";
    try {
      const parsed = ZExportSettingsInput.safeParse(applySettingsPatch(await loadExportSettings(), patch));
      if (!parsed.success) throw new UserError("invalid value", 400, fieldErrorsOf(parsed.error.issues));
      const { audit } = await updateExportSettings({ input: parsed.data });
      await record({ eventName: "patchConfig", status: "success", actor, objectType: "config", apiPath, ...audit });
      const diffs = (audit.priorState?.config_diffs as unknown[]) ?? [];
      console.log(diffs.length ? `Saved ${key}.` : `${key} was already set to that value.`);
      return 0;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const messages = Object.entries(error.fieldErrors).map(([f, m]) => `${f}: ${m}`);
      const description = messages.join("; ") || error.message;
      await record({ eventName: "patchConfig", status: "fail", actor, objectType: "config", apiPath, parameters: { key }, error: { description, status_code: error.status } });
      console.error(`error: ${description}`);
      return 2;
    }
  },
};

function parseBoolean(key: string, value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new CliUsageError(`${key} takes true or false, not "${value}"`);
}

function refuseInlineSecret(key: string): never {
  throw new CliUsageError(`${key} is a secret: pass "-" and type it on standard input, so it stays out of your shell history`);
}
