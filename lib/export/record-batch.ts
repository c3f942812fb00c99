import type { Tx } from "../db/client.ts";
import type { Key } from "./plan/export-plan.ts";
import type { BatchRecord } from "./run-export.ts";

/** The ExportBatch row of a recorded batch (inside the worker's fenced transaction). */
export async function recordExportBatch(tx: Tx, jobId: string, batch: BatchRecord["batch"]): Promise<void> {
  await tx.exportBatch.create({
    data: {
      jobId,
      number: batch.number,
      fileName: batch.fileName,
      startTime: BigInt(batch.startTime),
      endTime: BigInt(batch.endTime),
      fromUpdateAt: BigInt(batch.from.updateAt),
      fromPostId: batch.from.postId,
      toUpdateAt: BigInt(batch.to.updateAt),
      toPostId: batch.to.postId,
      messages: batch.messages,
      files: batch.files,
      warnings: batch.warnings,
      size: BigInt(batch.size),
      sha256: batch.sha256,
    },
  });
}

/** Moves a policy's cursor to the last post of a recorded batch. */
export async function saveExportCursor(tx: Tx, options: { policyId: string; cursor: Key; jobId: string }): Promise<void> {
  const { policyId, cursor, jobId } = options;
  const at = { lastUpdateAt: BigInt(cursor.updateAt), lastPostId: cursor.postId, jobId };
  await tx.exportCursor.upsert({ where: { policyId }, create: { policyId, ...at }, update: at });
}
