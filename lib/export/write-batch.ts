import type { ExportTarget, MailboxBatchResult } from "../targets/target.ts";
import type { BatchResult, ZipSink } from "./model.ts";
import { writeZip } from "./write-zip.ts";

export type WrittenBatch = {
  result: BatchResult;
  /** The zip's size and SHA-256 (file targets); 0 and "" for an archive mailbox. */
  size: number;
  sha256: string;
  /** What the archive mailbox did with the batch's emails (mailbox targets only). */
  delivery?: MailboxBatchResult;
};

/**
 * Writes one batch to its target: a file target gets a zip streamed to a temporary upload that
 * becomes visible only after `beforePublish` passed (the job still holds its lease); an archive
 * mailbox gets each email entry, sent through its delivery ledger.
 */
export async function writeBatch(options: {
  target: ExportTarget;
  jobId: string;
  batchNumber: number;
  /** The zip's path inside the target (`<export dir>/batchNNN-….zip`). */
  path: string;
  /** Every entry's time, so a batch written again comes out byte-identical. */
  mtime: Date;
  fill: (sink: ZipSink) => Promise<BatchResult>;
  /** Throws when the batch must not become visible (the lease was lost). */
  beforePublish: () => Promise<void>;
}): Promise<WrittenBatch> {
  const { target } = options;
  if (target.family === "files") {
    const upload = await target.openWrite(options.path);
    const written = await writeZip({ target: upload, mtime: options.mtime, fill: options.fill });
    try {
      await options.beforePublish();
    } catch (error) {
      await upload.abort();
      throw error;
    }
    await upload.commit();
    return written;
  }
  const mailbox = await target.openBatch({ jobId: options.jobId, batchNumber: options.batchNumber });
  const onlyEmails = () => Promise.reject(new Error(`${target.label} accepts emails only; choose the Global Relay EML format.`));
  try {
    const result = await options.fill({ addText: onlyEmails, addStream: onlyEmails, addEmail: (_name, email) => mailbox.send(email) });
    const delivery = await mailbox.finish();
    await options.beforePublish();
    return { result: { ...result, warnings: [...result.warnings, ...delivery.warnings.filter((w) => !result.warnings.includes(w))] }, size: 0, sha256: "", delivery };
  } catch (error) {
    await mailbox.abort();
    throw error;
  }
}
