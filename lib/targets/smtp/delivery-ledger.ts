// The delivery ledger (prisma DeliveryLedger): one row per Global Relay email, keyed by its stable
// Message-ID, recording whether the archive accepted it. A retried or resumed batch skips rows
// marked `sent`, so no email goes out twice, and sends every other row, so none is skipped.

import { db } from "../../db/client.ts";

/**
 * pending: not sent yet, or a send failed in a way that proves it did not arrive; in_flight: being
 * sent (marked before DATA), so a crash before the reply leaves it here and the resume reports a
 * possible duplicate; sent; ambiguous: the reply was lost after the last byte; failed: refused.
 */
export type LedgerStatus = "pending" | "in_flight" | "sent" | "ambiguous" | "failed";

export type LedgerKey = {
  messageId: string;
  jobId: string;
  batchNumber: number;
  channelId: string;
  part: number;
};

export async function ledgerStatus(messageId: string): Promise<LedgerStatus | null> {
  return (await ledgerEntry(messageId))?.status ?? null;
}

/** The status, and whether the email was sent again after its fate was unknown (it may be in the archive twice). */
export async function ledgerEntry(
  messageId: string,
): Promise<{ status: LedgerStatus; duplicateRisk: boolean } | null> {
  const row = await db().deliveryLedger.findUnique({
    where: { messageId },
    select: { status: true, duplicateRisk: true },
  });
  return row ? { status: row.status as LedgerStatus, duplicateRisk: row.duplicateRisk } : null;
}

/**
 * Remembers that the email is being sent again after a lost reply or an interrupted delivery: a
 * later attempt that finds it sent still reports it, should the attempt that reported it first not
 * have committed its batch.
 */
export async function markDuplicateRisk(messageId: string): Promise<void> {
  await db().deliveryLedger.updateMany({ where: { messageId }, data: { duplicateRisk: true } });
}

/**
 * Before an attempt: the row exists, is `in_flight` and counts the attempt. `known` is the status
 * read before; a row written meanwhile (by another job rendering the same email) is found by its
 * Message-ID, and "sent" is returned instead of counting an attempt.
 */
export async function markAttempt(
  key: LedgerKey,
  known: LedgerStatus | undefined,
): Promise<"attempt" | "sent"> {
  if (known === undefined) {
    try {
      await db().deliveryLedger.create({ data: { ...key, status: "in_flight", attempts: 1 } });
      return "attempt";
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
  }
  const updated = await db().deliveryLedger.updateMany({
    where: { messageId: key.messageId, status: { not: "sent" } },
    data: { status: "in_flight", attempts: { increment: 1 } },
  });
  return updated.count === 1 ? "attempt" : "sent";
}

export async function markSent(messageId: string, size: number, at: Date): Promise<void> {
  await db().deliveryLedger.update({
    where: { messageId },
    data: { status: "sent", size: BigInt(size), sentAt: at },
  });
}

/** A failed attempt: `pending` (retry), `ambiguous` (may have arrived) or `failed` (rejected). */
export async function markFailure(
  messageId: string,
  status: Exclude<LedgerStatus, "sent">,
  error: string,
): Promise<void> {
  await db().deliveryLedger.update({
    where: { messageId },
    data: { status, lastError: error.slice(0, 2000) },
  });
}
