import { z } from "zod";
import { fieldErrorsOf, UserError } from "../../../errors/user-error.ts";
import { loadExportSettings } from "../../../export-settings/export-settings-store.ts";
import { ZExportSettingsInput } from "../../../settings/schema.ts";
import { applySettingsPatch } from "../../../settings/settings-patch.ts";
import { updateExportSettings } from "../../../export-settings/update-export-settings.ts";
import { CliUsageError } from "../../../errors/cli-usage-error.ts";
import { defineCommand } from "../../define-command.ts";
import { readSecretInput } from "../../read-secret-input.ts";
import { SECRET_MASK } from "../../../audit/mask.ts";
import { announceDestinationChange } from "../../../notifications/announce-destination-change.ts";

const SECRET_KEYS = new Set(["GlobalRelaySettings.SMTPPassword"]);

export const set = defineCommand({
  name: "config set",
  summary: "Change one setting, with the same validation and audit as the console",
  positionals: ["key", "value"],
  schema: z.object({ key: z.string().min(1), value: z.string() }),
  details:
    "Keys are Mattermost's MessageExportSettings names: EnableExport, DailyRunTime, TimeZone, ExportFormat,\n" +
    "BatchSize, ExportAttachments, Destination (a target's name: where the file formats go), GlobalRelaySettings.{CustomerType,SMTPUsername,SMTPPassword,EmailAddress,\n" +
    "CustomSMTPServerName,CustomSMTPPort,SMTPServerTimeout}.\n" +
    "Secrets: config set GlobalRelaySettings.SMTPPassword -   reads the value from standard input.",
  audit: { event: "patchConfig", objectType: "config" },
  async run({ input: { key, value }, out }) {
    const raw = SECRET_KEYS.has(key)
      ? value === "-"
        ? await readSecretInput()
        : refuseInlineSecret(key)
      : value;
    const typed = typedValue(key, raw);
    const patch = key.split(".").reduceRight<unknown>((inner, part) => ({ [part]: inner }), typed);
    const parsed = ZExportSettingsInput.safeParse(
      applySettingsPatch(await loadExportSettings(), patch),
    );
    if (!parsed.success)
      throw new UserError("invalid value", 400, fieldErrorsOf(parsed.error.issues));
    const { audit, destination, passwordCleared } = await updateExportSettings({
      input: parsed.data,
    });
    const diffs = (audit.priorState?.config_diffs as unknown[]) ?? [];
    out(diffs.length ? `Saved ${key}.` : `${key} was already set to that value.`);
    if (passwordCleared)
      out(
        "The stored GlobalRelaySettings.SMTPPassword was cleared: it belonged to the previous server. Set it again with: config set GlobalRelaySettings.SMTPPassword -",
      );
    const notice = destination.length
      ? await announceDestinationChange({
          what: "Compliance Export",
          diffs: destination,
          changedBy: "the command line (cli)",
        })
      : undefined;
    return {
      audit: {
        ...audit,
        parameters: { key, value: SECRET_KEYS.has(key) ? SECRET_MASK : typed },
        resultingState: {
          password_cleared: passwordCleared,
          ...(notice ? { change_notice: notice } : {}),
        },
      },
    };
  },
});

/**
 * The command line gives text; the settings schema wants booleans and numbers where the form sends
 * them. The key's own schema says which (every boolean or number key, now and later).
 */
export function typedValue(key: string, value: string): unknown {
  const kind = leafKind(key);
  if (kind === "boolean") return parseBoolean(key, value);
  if (kind === "number") {
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(value))
      throw new CliUsageError(`${key} takes a number, not "${value}"`);
    return Number(value);
  }
  return value;
}

type SchemaNode = {
  _zod: { def: { type: string; innerType?: SchemaNode; in?: SchemaNode } };
  shape?: Record<string, SchemaNode>;
};

/** "boolean" | "number" | another type name for a dotted settings key, or undefined for an unknown key. */
function leafKind(key: string): string | undefined {
  let node: SchemaNode | undefined = ZExportSettingsInput as unknown as SchemaNode;
  for (const part of key.split(".")) node = node?.shape?.[part];
  // Unwrap defaults and optionals; a pipe is typed by what it takes in.
  for (let i = 0; node && i < 10; i++) {
    const def: SchemaNode["_zod"]["def"] = node._zod.def;
    if (def.innerType) node = def.innerType;
    else if (def.type === "pipe" && def.in) node = def.in;
    else break;
  }
  // A union (whole numbers: number | digits) already takes the text and checks it itself.
  return node?._zod.def.type;
}

function parseBoolean(key: string, value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new CliUsageError(`${key} takes true or false, not "${value}"`);
}

function refuseInlineSecret(key: string): never {
  throw new CliUsageError(
    `${key} is a secret: pass "-" and type it on standard input, so it stays out of your shell history`,
  );
}
