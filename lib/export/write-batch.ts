import {
  encryptedEntry,
  ENCRYPTION_FILE,
  renderEncryptionManifest,
  type EncryptedEntry,
} from "../encryption/encryption-manifest.ts";
import { encryptedSourceOf } from "../encryption/open-ciphertext.ts";
import type { ExportTarget, MailboxBatchResult } from "../targets/target.ts";
import type { BatchResult, OpenAttachment, ZipSink } from "./model.ts";
import { openAttachment, openAttachmentCiphertext } from "./open-attachment.ts";
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
  /** false: attachments go in as their stored ciphertext and the zip ends with encryption.json (file targets; the plan refuses it for emails). */
  decryptAttachments?: boolean;
  fill: (sink: ZipSink, openAttachment: OpenAttachment) => Promise<BatchResult>;
  /** Throws when the batch must not become visible (the lease was lost). */
  beforePublish: () => Promise<void>;
}): Promise<WrittenBatch> {
  const { target } = options;
  if (target.family === "files") {
    const upload = await target.openWrite(options.path);
    const fill =
      options.decryptAttachments === false
        ? (sink: ZipSink) => fillWithCiphertext(sink, options.fill)
        : (sink: ZipSink) => options.fill(sink, openAttachment);
    const written = await writeZip({ target: upload, mtime: options.mtime, fill });
    try {
      await options.beforePublish();
    } catch (error) {
      await upload.abort();
      throw error;
    }
    await upload.commit();
    return written;
  }
  const mailbox = await target.openBatch({
    jobId: options.jobId,
    batchNumber: options.batchNumber,
  });
  const onlyEmails = () =>
    Promise.reject(
      new Error(`${target.label} accepts emails only; choose the Global Relay EML format.`),
    );
  try {
    const result = await options.fill(
      {
        addText: onlyEmails,
        addStream: onlyEmails,
        addEmail: (_name, email) => mailbox.send(email),
      },
      openAttachment,
    );
    const delivery = await mailbox.finish();
    await options.beforePublish();
    return {
      result: {
        ...result,
        warnings: [
          ...result.warnings,
          ...delivery.warnings.filter((w) => !result.warnings.includes(w)),
        ],
      },
      size: 0,
      sha256: "",
      delivery,
    };
  } catch (error) {
    await mailbox.abort();
    throw error;
  }
}

/**
 * "Decrypt" off: the writer copies each attachment's stored ciphertext; every entry that carries an
 * envelope is listed, by its path in the zip, in encryption.json — the zip's last entry, written
 * even when the batch has no attachment (docs/attachment-encryption.md).
 */
async function fillWithCiphertext(
  sink: ZipSink,
  fill: (sink: ZipSink, openAttachment: OpenAttachment) => Promise<BatchResult>,
): Promise<BatchResult> {
  const files: EncryptedEntry[] = [];
  const recording: ZipSink = {
    ...sink,
    addStream: async (name, source) => {
      await sink.addStream(name, source);
      const encrypted = encryptedSourceOf(source);
      if (encrypted)
        files.push(
          encryptedEntry(name, encrypted.envelope, {
            sha256: encrypted.plaintextSha256,
            size: encrypted.plaintextSize,
          }),
        );
    },
  };
  const result = await fill(recording, openAttachmentCiphertext);
  await sink.addText(ENCRYPTION_FILE, renderEncryptionManifest(files));
  return result;
}
