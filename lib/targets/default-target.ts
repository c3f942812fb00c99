import type { ExportFormat } from "../settings/schema.ts";

/** The built-in targets: the local export directory, and the Global Relay settings' archive mailbox. */
export const LOCAL_TARGET_ID = "local";
export const GLOBAL_RELAY_TARGET_ID = "globalrelay";

export type TargetRef = { id: string; family: "files" | "mailbox" };

/** Mattermost's `globalrelay` format is EML delivered to the Global Relay archive mailbox; every other format is files in the local export directory. */
export function defaultTargetFor(format: ExportFormat): TargetRef {
  return format === "globalrelay" ? { id: GLOBAL_RELAY_TARGET_ID, family: "mailbox" } : { id: LOCAL_TARGET_ID, family: "files" };
}
