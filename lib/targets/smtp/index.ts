// SMTP delivery of Global Relay emails (EXPORT-FORMATS.md §6.8) and the settings' "Test connection".
export {
  deliverGlobalRelayBatch,
  MAX_EMAILS_PER_CONNECTION,
  SmtpDeliveryError,
  type DeliverableEmail,
  type DeliverGlobalRelayBatchOptions,
  type DeliveryResult,
  type RetryPolicy,
  type SmtpClientOptions,
} from "./deliver-global-relay-batch.ts";
export { ledgerStatus, type LedgerStatus } from "./delivery-ledger.ts";
export {
  smtpEndpoint,
  A9_HOST,
  A10_HOST,
  type GlobalRelaySmtpSettings,
  type SmtpEndpoint,
} from "./smtp-endpoint.ts";
export { testSmtpConnection, type SmtpConnectionTest } from "./test-smtp-connection.ts";
