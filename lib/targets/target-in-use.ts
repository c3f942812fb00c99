import { db, type Tx } from "../db/client.ts";
import { GLOBAL_RELAY_TARGET_ID } from "./default-target.ts";

/**
 * Why a target cannot be removed or disabled, or null when nothing depends on it. Today: the
 * default export's Destination (file formats), or its Global Relay format (the archive mailbox).
 * Export policies (issue 10) add their own targets here.
 */
export async function targetInUse(id: string, tx: Tx = db()): Promise<string | null> {
  const row = await tx.setting.findUnique({ where: { key: "MessageExportSettings" } });
  const settings = (row ? JSON.parse(row.value) : {}) as { Destination?: string; ExportFormat?: string };
  if ((settings.Destination ?? "local") === id) return "it is the Compliance Export destination";
  if (id === GLOBAL_RELAY_TARGET_ID && settings.ExportFormat === "globalrelay") return "the Compliance Export delivers to it (format GlobalRelay EML)";
  const active = await tx.exportJob.findFirst({ where: { targetId: id, status: { in: ["pending", "in_progress", "cancel_requested"] } }, select: { id: true } });
  if (active) return `export job ${active.id} is writing to it`;
  return null;
}
