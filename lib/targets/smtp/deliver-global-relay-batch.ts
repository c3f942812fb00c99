// Delivers one batch of Global Relay emails over SMTP (EXPORT-FORMATS.md §6.8, RELIABILITY.md
// checks 13-17). Mattermost sends every email of the batch and aborts on the first error, so a
// failed job mails the whole batch again next time. Custodian keeps a ledger per Message-ID:
// accepted emails are never sent again, transient failures are retried with backoff, one rejected
// email does not stop the others, and an email whose reply was lost after its last byte went out
// (RFC 1047) is sent once more, byte-identical, and reported as a possible duplicate.

import { setTimeout as delay } from "node:timers/promises";
import type { ConnectionOptions } from "node:tls";
import { env } from "../../config/env.ts";
import { logger } from "../../log/logger.ts";
import {
  ledgerEntry,
  markAttempt,
  markDuplicateRisk,
  markFailure,
  markSent,
  type LedgerStatus,
} from "./delivery-ledger.ts";
import { SmtpFailure, SmtpSession, type SmtpCredentials } from "./smtp-session.ts";
import { smtpEndpoint, type GlobalRelaySmtpSettings, type SmtpEndpoint } from "./smtp-endpoint.ts";
import type { MailboxBatch, MailboxBatchResult, MailboxEmail } from "../target.ts";

/** What delivery needs of an email; `posts` (entries carried) defaults to 0. */
export type DeliverableEmail = Omit<MailboxEmail, "posts"> & { posts?: number };

export type SmtpClientOptions = {
  /** CUSTOM only: a relay that offers no STARTTLS may be used in plain text. Ignored for A9/A10. */
  allowPlain?: boolean;
  /**
   * Extra TLS settings for a CUSTOM relay, e.g. a private CA (tests pass their self-signed
   * certificate). Ignored for A9/A10; certificate checking cannot be switched off.
   */
  tls?: ConnectionOptions;
  /** EHLO name; defaults to the host of CUSTODIAN_PUBLIC_URL, else this machine's name. */
  clientName?: string;
};

export type RetryPolicy = {
  /** Attempts per email (and per connection) for transient failures; default 5. */
  attempts?: number;
  /** First backoff; doubles after each failure; defaults 1 s, at most maxDelayMs (default 60 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
};

export type SmtpBatchOptions = SmtpClientOptions & {
  jobId: string;
  batchNumber: number;
  settings: GlobalRelaySmtpSettings;
  now?: () => Date;
  retry?: RetryPolicy;
  /** Mattermost's MaxEmailsPerConnection. */
  maxEmailsPerConnection?: number;
};

export type DeliverGlobalRelayBatchOptions = SmtpBatchOptions & {
  emails: AsyncIterable<DeliverableEmail> | Iterable<DeliverableEmail>;
};

export type DeliveryResult = MailboxBatchResult & {
  /** SMTP connections opened. */
  connections: number;
};

/** A batch that could not be delivered. `permanent` failures (credentials, TLS) need an admin; others may be retried later. */
export class SmtpDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "SmtpDeliveryError";
  }
}

export const MAX_EMAILS_PER_CONNECTION = 400;

/** The EHLO name Mattermost uses: the host of the site URL. */
export function defaultClientName(): string | undefined {
  const url = env().CUSTODIAN_PUBLIC_URL;
  if (!url) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** options.tls applies to a CUSTOM relay only; Global Relay's own servers use the public CAs. */
export function customTls(
  settings: GlobalRelaySmtpSettings,
  tls: ConnectionOptions | undefined,
): ConnectionOptions | undefined {
  return settings.CustomerType === "CUSTOM" ? tls : undefined;
}

function backoff(policy: RetryPolicy, failures: number): number {
  const base = policy.baseDelayMs ?? 1000;
  const max = policy.maxDelayMs ?? 60_000;
  return Math.min(max, base * 2 ** Math.max(0, failures - 1));
}

/** The archive address, checked: it is the only RCPT TO, so a line break must never reach it. */
function archiveAddress(settings: GlobalRelaySmtpSettings): string {
  const address = settings.EmailAddress.trim();
  if (!address.includes("@") || /[\s<>,;]/.test(address))
    throw new SmtpDeliveryError("The Global Relay email address is not a valid address.", true);
  return address;
}

/**
 * The emails of one batch, sent one by one over as few connections as the 400-per-connection rule
 * allows. Each email is marked `in_flight` in the ledger before its DATA, so an email whose `250`
 * was lost to a crash is found on resume and sent again, byte-identical, as a possible duplicate.
 */
export class SmtpBatchDelivery implements MailboxBatch {
  private readonly result: DeliveryResult = {
    sent: 0,
    skipped: 0,
    failed: 0,
    ambiguous: 0,
    deliveredPosts: 0,
    refused: [],
    connections: 0,
    warnings: [],
  };
  private session: SmtpSession | null = null;
  private onSession = 0;
  private readonly target: SmtpEndpoint;
  private readonly to: string;
  private readonly policy: RetryPolicy;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;
  private readonly perConnection: number;
  private readonly sessionOptions: Parameters<typeof SmtpSession.open>[0];
  private readonly logFields: Record<string, unknown>;

  constructor(private readonly options: SmtpBatchOptions) {
    try {
      this.target = smtpEndpoint(options.settings, { allowPlain: options.allowPlain });
    } catch (error) {
      throw new SmtpDeliveryError((error as Error).message, true);
    }
    this.to = archiveAddress(options.settings);
    this.policy = options.retry ?? {};
    this.attempts = Math.max(1, this.policy.attempts ?? 5);
    this.sleep = this.policy.sleep ?? ((ms: number) => delay(ms));
    this.now = options.now ?? (() => new Date());
    this.perConnection = options.maxEmailsPerConnection ?? MAX_EMAILS_PER_CONNECTION;
    const credentials: SmtpCredentials = {
      username: options.settings.SMTPUsername,
      password: options.settings.SMTPPassword,
    };
    this.sessionOptions = {
      target: this.target,
      credentials,
      tls: customTls(options.settings, options.tls),
      clientName: options.clientName ?? defaultClientName(),
    };
    this.logFields = {
      job_id: options.jobId,
      batch: options.batchNumber,
      host: this.target.host,
      port: this.target.port,
    };
  }

  private drop(): void {
    this.session?.close();
    this.session = null;
  }

  /** A session with room for one more email; transient connect failures retried with backoff. */
  private async sessionFor(): Promise<SmtpSession> {
    if (this.session && (this.session.closed || this.onSession >= this.perConnection)) {
      if (!this.session.closed) await this.session.quit();
      this.session = null;
    }
    for (let failures = 0; !this.session;) {
      try {
        this.session = await SmtpSession.open(this.sessionOptions);
        this.result.connections++;
        this.onSession = 0;
      } catch (error) {
        const failure = error as SmtpFailure;
        if (failure.kind === "permanent") throw new SmtpDeliveryError(failure.message, true);
        failures++;
        if (failures >= this.attempts)
          throw new SmtpDeliveryError(
            `${failure.message} (gave up after ${failures} attempts)`,
            false,
          );
        logger().warn(
          { ...this.logFields, err: failure.message, attempt: failures },
          "Global Relay SMTP connection failed; retrying",
        );
        await this.sleep(backoff(this.policy, failures));
      }
    }
    return this.session;
  }

  private possibleDuplicate(email: DeliverableEmail, why: string): void {
    this.result.ambiguous++;
    this.result.warnings.push(
      `1 message may be duplicated: ${email.messageId} (channel ${email.channelId}) ${why}`,
    );
  }

  async send(email: DeliverableEmail): Promise<void> {
    const log = logger();
    const result = this.result;
    const posts = email.posts ?? 0;
    const key = {
      messageId: email.messageId,
      jobId: this.options.jobId,
      batchNumber: this.options.batchNumber,
      channelId: email.channelId,
      part: email.part,
    };
    // The ledger is keyed by Message-ID alone, which depends only on what the email holds: any
    // later job (a resume, a retry, a continuation after an error) recognises an accepted email.
    const entry = await ledgerEntry(email.messageId);
    let before: LedgerStatus | undefined = entry?.status;
    if (before === "sent") {
      // Sent again by an attempt whose batch was not recorded (so neither was its warning): report it here.
      if (entry!.duplicateRisk)
        this.possibleDuplicate(
          email,
          "was sent again in an earlier attempt after its delivery was in doubt",
        );
      result.skipped++;
      result.deliveredPosts += posts;
      return;
    }
    let failures = 0;
    let resentAfterLoss = false;
    if (before === "ambiguous") {
      resentAfterLoss = true;
      this.possibleDuplicate(email, "lost its reply in an earlier run and is sent again");
      await markDuplicateRisk(email.messageId);
    } else if (entry?.duplicateRisk) {
      // A copy may have arrived in an earlier attempt (a lost reply), whatever failed after it.
      resentAfterLoss = true;
      this.possibleDuplicate(email, "may have arrived in an earlier attempt and is sent again");
    } else if (before === "in_flight") {
      resentAfterLoss = true;
      this.possibleDuplicate(email, "was being sent when an earlier run stopped and is sent again");
      await markDuplicateRisk(email.messageId);
    }
    for (;;) {
      const current = await this.sessionFor();
      if ((await markAttempt(key, before)) === "sent") {
        result.skipped++;
        result.deliveredPosts += posts;
        return;
      }
      before = "in_flight";
      this.onSession++;
      try {
        const sent = await current.send({ from: email.from, to: [this.to] }, email.stream());
        await markSent(email.messageId, sent.size, this.now());
        result.sent++;
        result.deliveredPosts += posts;
        break;
      } catch (error) {
        const failure = error as SmtpFailure;
        if (current.closed) this.session = null;
        if (failure.kind === "rejected") {
          await markFailure(email.messageId, "failed", failure.message);
          result.failed++;
          const reply = failure.response ?? failure.message;
          result.refused.push({
            messageId: email.messageId,
            channelId: email.channelId,
            posts,
            postIds: email.postIds ?? [],
            reply,
          });
          result.warnings.push(
            `Global Relay rejected ${email.messageId} (channel ${email.channelId}, ${posts} post(s)): ${reply}`,
          );
          log.error(
            { ...this.logFields, message_id: email.messageId, err: failure.message },
            "Global Relay rejected an email",
          );
          return;
        }
        if (failure.kind === "ambiguous") {
          await markFailure(email.messageId, "ambiguous", failure.message);
          this.drop();
          if (resentAfterLoss)
            throw new SmtpDeliveryError(
              `${failure.message}; ${email.messageId} may or may not have arrived`,
              false,
            );
          resentAfterLoss = true;
          this.possibleDuplicate(email, `was sent again after ${failure.message}`);
          await markDuplicateRisk(email.messageId);
          log.warn(
            { ...this.logFields, message_id: email.messageId, err: failure.message },
            "Global Relay reply lost after the message was sent; sending it again (may be duplicated)",
          );
          continue;
        }
        if (failure.kind === "source") {
          await markFailure(email.messageId, "pending", failure.message);
          this.drop();
          throw new SmtpDeliveryError(
            `${email.messageId} (channel ${email.channelId}): ${failure.message}`,
            false,
          );
        }
        if (failure.kind === "permanent") {
          await markFailure(email.messageId, "pending", failure.message);
          throw new SmtpDeliveryError(failure.message, true);
        }
        await markFailure(email.messageId, "pending", failure.message);
        this.drop();
        failures++;
        if (failures >= this.attempts)
          throw new SmtpDeliveryError(
            `${failure.message} (gave up on ${email.messageId} after ${failures} attempts)`,
            false,
          );
        log.warn(
          {
            ...this.logFields,
            message_id: email.messageId,
            err: failure.message,
            attempt: failures,
          },
          "Global Relay delivery failed; retrying",
        );
        await this.sleep(backoff(this.policy, failures));
      }
    }
    for (const warning of email.warnings)
      if (!result.warnings.includes(warning)) result.warnings.push(warning);
  }

  async finish(): Promise<DeliveryResult> {
    try {
      const last = this.session as SmtpSession | null;
      if (last) await last.quit();
      this.session = null;
    } finally {
      this.drop();
    }
    const r = this.result;
    logger().info(
      {
        ...this.logFields,
        sent: r.sent,
        skipped: r.skipped,
        failed: r.failed,
        ambiguous: r.ambiguous,
        connections: r.connections,
      },
      "Global Relay batch delivered",
    );
    return r;
  }

  async abort(): Promise<void> {
    this.drop();
  }
}

export async function deliverGlobalRelayBatch(
  options: DeliverGlobalRelayBatchOptions,
): Promise<DeliveryResult> {
  const delivery = new SmtpBatchDelivery(options);
  try {
    for await (const email of options.emails) await delivery.send(email);
    return await delivery.finish();
  } catch (error) {
    await delivery.abort();
    throw error;
  }
}
