import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import type { ExportFormat } from "../settings/schema.ts";

/** The built-in targets: the local export directory, and the Global Relay settings' archive mailbox. */
export const LOCAL_TARGET_ID = "local";
export const GLOBAL_RELAY_TARGET_ID = "globalrelay";

export type TargetRef = { id: string; family: "files" | "mailbox" };

/**
 * Where the default export goes: Mattermost's `globalrelay` format is EML delivered to the Global
 * Relay archive mailbox; every other format is files on the settings' Destination (a local
 * directory or an S3 bucket; "Local exports" unless changed).
 */
export async function defaultTargetFor(format: ExportFormat): Promise<TargetRef> {
  if (format === "globalrelay") return { id: GLOBAL_RELAY_TARGET_ID, family: "mailbox" };
  const id = (await loadExportSettings()).Destination;
  const target = await db().target.findUnique({
    where: { id },
    select: { id: true, name: true, kind: true, disabled: true },
  });
  if (!target)
    throw new UserError(
      `The export destination "${id}" no longer exists: choose another on the Compliance Export page.`,
      409,
    );
  if (target.disabled)
    throw new UserError(
      `The export destination "${target.name}" is disabled: enable it on the Targets page or choose another.`,
      409,
    );
  if (target.kind !== "local" && target.kind !== "s3")
    throw new UserError(`The export destination "${target.name}" holds no files.`, 409);
  return { id: target.id, family: "files" };
}
