// The `globalrelay-zip` format: the batch's Global Relay emails as zip entries
// "<ChannelName> - (<ChannelId>) - <n>.eml" and nothing else (EXPORT-FORMATS.md §2.3).

import type { BatchInput, BatchResult, FormatWriter, OpenAttachment, ZipSink } from "../../model.ts";
import { renderGlobalRelayEmails } from "./render-global-relay-emails.ts";

/**
 * The writer with a job id for the Message-IDs (the same ids the SMTP delivery of that job uses).
 * A missing attachment file is a warning and an empty part; a file that fails while being read
 * fails the batch, like Mattermost (MM-69338), so the job retries instead of archiving a partial file.
 */
export function globalRelayZipWriter(jobId?: string): FormatWriter {
  return async ({ batch, zip, openAttachment }: { batch: BatchInput; zip: ZipSink; openAttachment: OpenAttachment }): Promise<BatchResult> => {
    // FormatWriter has no job id; the job's window is fixed for its lifetime (resumes included).
    const id = jobId ?? `window:${batch.jobStartTime}-${batch.jobEndTime}`;
    const warnings: string[] = [];
    let files = 0;
    let messages = 0;
    for await (const email of renderGlobalRelayEmails({ batch, jobId: id, openAttachment })) {
      await zip.addStream(email.fileName, email.stream());
      files += email.attachedFileIds.size;
      messages += email.messages;
      warnings.push(...email.warnings);
    }
    return { messages, files, warnings };
  };
}

export const writeGlobalRelayZipBatch: FormatWriter = globalRelayZipWriter();
