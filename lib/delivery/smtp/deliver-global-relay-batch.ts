// Delivers one batch of Global Relay emails over SMTP (EXPORT-FORMATS.md §6.8, RELIABILITY.md
// checks 13-17). Mattermost sends every email of the batch and aborts on the first error, so a
// failed job mails the whole batch again next time. Custodian keeps a ledger per Message-ID:
// accepted emails are never sent again, transient failures are retried with backoff, one rejected
// email does not stop the others, and an email whose reply was lost after its last byte went out
// (RFC 1047) is sent once more, byte-identical, and reported as a possible duplicate.

import { setTimeout as delay } from "node:timers/promises";
import type { ConnectionOptions } from "node:tls";
import type { Readable } from "node:stream";
import { env } from "../../config/env.ts";
import { logger } from "../../log/logger.ts";
import { batchLedger, markAttempt, markFailure, markSent, type LedgerStatus } from "./delivery-ledger.ts";
import { SmtpFailure, SmtpSession, type SmtpCredentials } from "./smtp-session.ts";
import { smtpTarget, type GlobalRelaySmtpSettings, type SmtpTarget } from "./smtp-target.ts";

/** What delivery needs of an email (renderGlobalRelayEmails yields these). */
export type DeliverableEmail = {
  messageId: string;
  channelId: string;
  part: number;
  /** MAIL FROM (the email's From header); "" sends the null sender. */
  from: string;
  /** A fresh stream of the email, byte-identical on every call. */
  stream(): Readable;
  /** Filled in while the stream is read (missing attachments). */
  warnings: string[];
};

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

export type DeliverGlobalRelayBatchOptions = SmtpClientOptions & {
  jobId: string;
  batchNumber: number;
  emails: AsyncIterable<DeliverableEmail> | Iterable<DeliverableEmail>;
  settings: GlobalRelaySmtpSettings;
  now?: () => Date;
  retry?: RetryPolicy;
  /** Mattermost's MaxEmailsPerConnection. */
  maxEmailsPerConnection?: number;
};

export type DeliveryResult = {
  /** Emails the archive accepted in this run. */
  sent: number;
  /** Emails already accepted by an earlier run (ledger `sent`), not sent again. */
  skipped: number;
  /** Emails the archive rejected with a 5xx reply (ledger `failed`); the others were still sent. */
  failed: number;
  /** Emails sent again after a lost reply: the archive may hold them twice. */
  ambiguous: number;
  /** SMTP connections opened. */
  connections: number;
  /** For the job's warning count: rejected emails, possible duplicates, missing attachment files. */
  warnings: string[];
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
export function customTls(settings: GlobalRelaySmtpSettings, tls: ConnectionOptions | undefined): ConnectionOptions | undefined {
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
  if (!address.includes("@") || /[\s<>,;]/.test(address)) throw new SmtpDeliveryError("The Global Relay email address is not a valid address.", true);
  return address;
}

export async function deliverGlobalRelayBatch(options: DeliverGlobalRelayBatchOptions): Promise<DeliveryResult> {
  const log = logger();
  const now = options.now ?? (() => new Date());
  const policy = options.retry ?? {};
  const attempts = Math.max(1, policy.attempts ?? 5);
  const sleep = policy.sleep ?? ((ms: number) => delay(ms));
  const perConnection = options.maxEmailsPerConnection ?? MAX_EMAILS_PER_CONNECTION;
  let target: SmtpTarget;
  try {
    target = smtpTarget(options.settings, { allowPlain: options.allowPlain });
  } catch (error) {
    throw new SmtpDeliveryError((error as Error).message, true);
  }
  const to = archiveAddress(options.settings);
  const credentials: SmtpCredentials = { username: options.settings.SMTPUsername, password: options.settings.SMTPPassword };
  const sessionOptions = { target, credentials, tls: customTls(options.settings, options.tls), clientName: options.clientName ?? defaultClientName() };
  const result: DeliveryResult = { sent: 0, skipped: 0, failed: 0, ambiguous: 0, connections: 0, warnings: [] };
  const logFields = { job_id: options.jobId, batch: options.batchNumber, host: target.host, port: target.port };

  let session: SmtpSession | null = null;
  let onSession = 0;
  const drop = () => {
    session?.close();
    session = null;
  };

  /** A session with room for one more email; transient connect failures retried with backoff. */
  const sessionFor = async (): Promise<SmtpSession> => {
    if (session && (session.closed || onSession >= perConnection)) {
      if (!session.closed) await session.quit();
      session = null;
    }
    for (let failures = 0; !session; ) {
      try {
        session = await SmtpSession.open(sessionOptions);
        result.connections++;
        onSession = 0;
      } catch (error) {
        const failure = error as SmtpFailure;
        if (failure.kind === "permanent") throw new SmtpDeliveryError(failure.message, true);
        failures++;
        if (failures >= attempts) throw new SmtpDeliveryError(`${failure.message} (gave up after ${failures} attempts)`, false);
        log.warn({ ...logFields, err: failure.message, attempt: failures }, "Global Relay SMTP connection failed; retrying");
        await sleep(backoff(policy, failures));
      }
    }
    return session;
  };

  try {
    // One deliverer runs per job (the job lease), so the batch's ledger can be read once.
    const known = await batchLedger(options.jobId, options.batchNumber);
    for await (const email of options.emails) {
      const key = { messageId: email.messageId, jobId: options.jobId, batchNumber: options.batchNumber, channelId: email.channelId, part: email.part };
      let before: LedgerStatus | undefined = known.get(email.messageId);
      if (before === "sent") {
        result.skipped++;
        continue;
      }
      let failures = 0;
      let resentAfterLoss = false;
      if (before === "ambiguous") {
        resentAfterLoss = true;
        result.ambiguous++;
        result.warnings.push(`1 message may be duplicated: ${email.messageId} (channel ${email.channelId}) lost its reply in an earlier run and is sent again`);
      }
      let alreadySent = false;
      for (;;) {
        const current = await sessionFor();
        if ((await markAttempt(key, before)) === "sent") {
          alreadySent = true;
          break;
        }
        before = "pending";
        onSession++;
        try {
          const sent = await current.send({ from: email.from, to: [to] }, email.stream());
          await markSent(email.messageId, sent.size, now());
          result.sent++;
          break;
        } catch (error) {
          const failure = error as SmtpFailure;
          if (current.closed) session = null;
          if (failure.kind === "rejected") {
            await markFailure(email.messageId, "failed", failure.message);
            result.failed++;
            result.warnings.push(`Global Relay rejected ${email.messageId} (channel ${email.channelId}): ${failure.response ?? failure.message}`);
            log.error({ ...logFields, message_id: email.messageId, err: failure.message }, "Global Relay rejected an email");
            break;
          }
          if (failure.kind === "ambiguous") {
            await markFailure(email.messageId, "ambiguous", failure.message);
            drop();
            if (resentAfterLoss) throw new SmtpDeliveryError(`${failure.message}; ${email.messageId} may or may not have arrived`, false);
            resentAfterLoss = true;
            result.ambiguous++;
            result.warnings.push(`1 message may be duplicated: ${email.messageId} (channel ${email.channelId}) was sent again after ${failure.message}`);
            log.warn({ ...logFields, message_id: email.messageId, err: failure.message }, "Global Relay reply lost after the message was sent; sending it again (may be duplicated)");
            continue;
          }
          if (failure.kind === "source") {
            await markFailure(email.messageId, "pending", failure.message);
            drop();
            throw new SmtpDeliveryError(`${email.messageId} (channel ${email.channelId}): ${failure.message}`, false);
          }
          if (failure.kind === "permanent") {
            await markFailure(email.messageId, "pending", failure.message);
            throw new SmtpDeliveryError(failure.message, true);
          }
          await markFailure(email.messageId, "pending", failure.message);
          drop();
          failures++;
          if (failures >= attempts) throw new SmtpDeliveryError(`${failure.message} (gave up on ${email.messageId} after ${failures} attempts)`, false);
          log.warn({ ...logFields, message_id: email.messageId, err: failure.message, attempt: failures }, "Global Relay delivery failed; retrying");
          await sleep(backoff(policy, failures));
        }
      }
      if (alreadySent) {
        result.skipped++;
        continue;
      }
      for (const warning of email.warnings) if (!result.warnings.includes(warning)) result.warnings.push(warning);
    }
    const last = session as SmtpSession | null;
    if (last) await last.quit();
    session = null;
  } finally {
    drop();
  }
  log.info({ ...logFields, sent: result.sent, skipped: result.skipped, failed: result.failed, ambiguous: result.ambiguous, connections: result.connections }, "Global Relay batch delivered");
  return result;
}
