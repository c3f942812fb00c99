import type { ConfigDiff } from "../audit/record.ts";
import { db, type Tx } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { configDiffs } from "../settings/config-diff.ts";
import {
  globalRelayEndpoint,
  loadExportSettings,
  writeExportSettings,
} from "./export-settings-store.ts";
import { keepOrClearSecret } from "../settings/secret-binding.ts";
import { isMask, type ExportSettings, type TExportSettingsParsed } from "../settings/schema.ts";

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
 * from before it is exported. The Destination (a target id or name) must be an enabled local or
 * S3 target; it is stored as the target's id.
 */
export async function saveExportSettings(options: {
  input: TExportSettingsParsed;
  now?: Date;
}): Promise<{
  before: ExportSettings;
  after: ExportSettings;
  diffs: ConfigDiff[];
  passwordCleared: boolean;
}> {
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
    const destination = await destinationTarget(tx, options.input.Destination, before.Destination);
    const after: ExportSettings = {
      ...options.input,
      Destination: destination.id,
      ExportFromTimestamp:
        options.input.EnableExport && before.ExportFromTimestamp === 0
          ? now.getTime()
          : before.ExportFromTimestamp,
      GlobalRelaySettings: { ...gr, SMTPPassword: password.secret },
    };
    if (
      after.EnableExport &&
      after.ExportFormat === "globalrelay" &&
      !after.GlobalRelaySettings.SMTPPassword
    ) {
      throw new SettingsRejectedError({
        "GlobalRelaySettings.SMTPPassword": password.cleared
          ? "The server, port, TLS mode or username changed: enter the SMTP password for it again."
          : "Enter the SMTP password.",
      });
    }
    const previousName = async (id: string) =>
      (await tx.target.findUnique({ where: { id }, select: { name: true } }))?.name ?? id;
    const diffs: ConfigDiff[] = [];
    for (const d of configDiffs("MessageExportSettings", before, after)) {
      // By name, so the audit record and the change notice say where exports go now.
      diffs.push(
        d.path === "MessageExportSettings.Destination"
          ? { ...d, base_val: await previousName(String(d.base_val)), actual_val: destination.name }
          : d,
      );
    }
    if (diffs.length > 0) await writeExportSettings(after, tx);
    return { before, after, diffs, passwordCleared: password.cleared };
  });
}

/** The destination target, by id or name: an enabled local directory or S3 bucket (kept as it is when unchanged). */
async function destinationTarget(
  tx: Tx,
  value: string,
  current: string,
): Promise<{ id: string; name: string }> {
  const found =
    (await tx.target.findUnique({ where: { id: value } })) ??
    (await tx.target.findUnique({ where: { name: value } }));
  const refuse = (message: string) => new SettingsRejectedError({ Destination: message });
  if (!found) throw refuse(`There is no target "${value}". Add it on the Targets page first.`);
  if (found.kind !== "local" && found.kind !== "s3")
    throw refuse(
      `"${found.name}" is an archive mailbox; the destination of file exports is a local directory or an S3 bucket.`,
    );
  if (found.disabled && found.id !== current) throw refuse(`"${found.name}" is disabled.`);
  return { id: found.id, name: found.name };
}
