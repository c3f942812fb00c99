import { db, type Tx } from "../db/client.ts";

/**
 * Why a target cannot be removed or disabled, or null when nothing depends on it: an export policy
 * that is not archived exports to it (the default one is the Compliance Export), or a job is writing to it.
 */
export async function targetInUse(id: string, tx: Tx = db()): Promise<string | null> {
  const policy = await tx.exportPolicy.findFirst({
    where: { targetId: id, archivedAt: null },
    orderBy: { name: "asc" },
    select: { id: true, name: true, format: true },
  });
  if (policy?.id === "default")
    return policy.format === "globalrelay"
      ? "the Compliance Export delivers to it (format GlobalRelay EML)"
      : "it is the Compliance Export destination";
  if (policy) return `the export policy "${policy.name}" exports to it`;
  if (
    id === "local" &&
    !(await tx.exportPolicy.findUnique({ where: { id: "default" }, select: { id: true } }))
  )
    return "it is the Compliance Export destination";
  const active = await tx.exportJob.findFirst({
    where: { targetId: id, status: { in: ["pending", "in_progress", "cancel_requested"] } },
    select: { id: true },
  });
  if (active) return `export job ${active.id} is writing to it`;
  return null;
}
