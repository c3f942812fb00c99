import { deliverGlobalRelayBatch, SmtpDeliveryError, type RetryPolicy } from "../delivery/smtp/index.ts";
import { renderGlobalRelayEmails, type GlobalRelayEmail } from "./formats/globalrelay/index.ts";
import type { BatchInput, BatchResult } from "./model.ts";
import { openAttachment } from "./open-attachment.ts";
import { loadExportSettings } from "../settings/export-settings-store.ts";

/** A delivery that may succeed later (server down, timeouts, 4xx): the job is retried, not failed. */
export class RetryLaterError extends Error {}

/**
 * Global Relay / Proofpoint: the batch's emails go to the archive over SMTP instead of into a zip.
 * The delivery ledger is keyed by the job, batch, channel and part, so a resumed or retried batch
 * sends only what was not accepted before. Refused emails and possible duplicates are warnings.
 */
export async function deliverBatchBySmtp(options: { batch: BatchInput; jobId: string; retry?: RetryPolicy }): Promise<BatchResult & { delivered: number }> {
  const gr = (await loadExportSettings()).GlobalRelaySettings;
  const rendered: GlobalRelayEmail[] = [];
  async function* emails() {
    for await (const email of renderGlobalRelayEmails({ batch: options.batch, jobId: options.jobId, openAttachment })) {
      rendered.push(email);
      yield email;
    }
  }
  try {
    const d = await deliverGlobalRelayBatch({
      jobId: options.jobId,
      batchNumber: options.batch.batchNumber,
      emails: emails(),
      settings: gr,
      allowPlain: gr.CustomerType === "CUSTOM" && gr.AllowPlainSMTP,
      retry: options.retry,
    });
    const warnings = [...rendered.flatMap((e) => e.warnings), ...d.warnings];
    if (d.failed > 0) warnings.push(`${d.failed} email(s) of batch ${options.batch.batchNumber} were refused by the archive; see the job log.`);
    const files = rendered.reduce((n, e) => n + e.attachedFileIds.size, 0);
    const messages = options.batch.posts.length;
    return { messages, files, warnings, delivered: d.sent + d.skipped };
  } catch (error) {
    if (error instanceof SmtpDeliveryError && !error.permanent) throw new RetryLaterError(error.message);
    throw error;
  }
}
