import type { MailboxBatch, MailboxTarget } from "../target.ts";
import {
  SmtpBatchDelivery,
  type RetryPolicy,
  type SmtpClientOptions,
} from "./deliver-global-relay-batch.ts";
import type { GlobalRelaySmtpSettings } from "./smtp-endpoint.ts";

export type SmtpMailboxSettings = GlobalRelaySmtpSettings & { AllowPlainSMTP: boolean };

/**
 * An archive mailbox over SMTP: Global Relay (A9, A10) or any archive address through a Custom
 * server (Proofpoint and others). Each batch's emails go through the delivery ledger.
 */
export class SmtpMailboxTarget implements MailboxTarget {
  readonly family = "mailbox" as const;
  readonly kind = "smtp" as const;

  constructor(
    readonly id: string,
    readonly label: string,
    private readonly settings: SmtpMailboxSettings,
    private readonly client: SmtpClientOptions & { retry?: RetryPolicy } = {},
  ) {}

  async openBatch(options: { jobId: string; batchNumber: number }): Promise<MailboxBatch> {
    return new SmtpBatchDelivery({
      ...this.client,
      jobId: options.jobId,
      batchNumber: options.batchNumber,
      settings: this.settings,
      // Plain text is honoured for a Custom server only; Global Relay's own servers require STARTTLS.
      allowPlain: this.settings.CustomerType === "CUSTOM" && this.settings.AllowPlainSMTP,
    });
  }
}
