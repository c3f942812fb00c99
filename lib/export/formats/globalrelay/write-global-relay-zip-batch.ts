// The Global Relay EML writer: one email per channel (and per 250 MiB part) of the batch, handed to
// the sink as an email entry "<ChannelName> - (<ChannelId>) - <n>.eml" (EXPORT-FORMATS.md §2.3).
// A zip stores its bytes (the `globalrelay-zip` format); an archive mailbox sends it.

import type {
  BatchInput,
  BatchResult,
  FormatWriter,
  OpenAttachment,
  ZipSink,
} from "../../model.ts";
import { renderGlobalRelayEmails } from "./render-global-relay-emails.ts";

/**
 * The writer for one export (its policy id scopes the Message-IDs). A missing attachment file is a
 * warning and an empty part; a file that fails while being read fails the batch, like Mattermost
 * (MM-69338), so the job retries instead of archiving a partial file.
 */
export function globalRelayEmlWriter(scope: string): FormatWriter {
  return async ({
    batch,
    zip,
    openAttachment,
  }: {
    batch: BatchInput;
    zip: ZipSink;
    openAttachment: OpenAttachment;
  }): Promise<BatchResult> => {
    const warnings: string[] = [];
    let files = 0;
    let messages = 0;
    for await (const email of renderGlobalRelayEmails({ batch, scope, openAttachment })) {
      await zip.addEmail(email.fileName, email);
      files += email.attachedFileIds.size;
      messages += email.messages;
      warnings.push(...email.warnings);
    }
    return { messages, files, warnings };
  };
}

export const writeGlobalRelayZipBatch: FormatWriter = globalRelayEmlWriter("default");
