// Global Relay EML (EXPORT-FORMATS.md §6): rendering for SMTP delivery and the globalrelay-zip format.
export { MAX_EMAIL_BYTES } from "./conversations.ts";
export {
  emlFileName,
  globalRelayMessageId,
  renderGlobalRelayEmails,
  type GlobalRelayEmail,
  type RenderGlobalRelayEmailsOptions,
} from "./render-global-relay-emails.ts";
export { globalRelayEmlWriter, writeGlobalRelayZipBatch } from "./write-global-relay-zip-batch.ts";
