import type { Tx } from "../db/client.ts";
import type { BatchRecord } from "./run-export.ts";

/** The ExportBatch row of a recorded batch (inside the worker's fenced transaction). */
export async function recordExportBatch(
  tx: Tx,
  jobId: string,
  batch: BatchRecord["batch"],
): Promise<void> {
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
      feedTo: BigInt(batch.feedTo),
      readSeq: BigInt(batch.readSeq),
      late: batch.late,
      attachments: JSON.stringify(batch.attachments),
    },
  });
}
