import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { resolveTarget, type ResolveOptions } from "../targets/resolve-target.ts";
import type { MailboxEmail } from "../targets/target.ts";
import { openAttachment } from "./open-attachment.ts";
import { parseExportPlan } from "./plan/export-plan.ts";
import { renderRecordedBatch } from "./run-export.ts";
import { writerFor } from "./writers.ts";

export type RetryDeliveriesResult = {
  /** Emails the archive accepted now, and the posts they carry. */
  delivered: number;
  posts: number;
  /** Emails refused again (their reply is updated on the job). */
  refused: number;
  /** Emails that no longer render the same (a post changed since): not sent, still listed. */
  changed: number;
  /** Emails a copy of which may already have arrived (a lost reply before the refusal): job warnings. */
  possibleDuplicates: number;
};

const FINISHED = ["success", "warning", "error", "canceled"];

/**
 * "Retry failed deliveries" (issue 15 item 5): renders each batch that had refused emails again,
 * exactly as the job wrote it, and sends only those emails — same bytes, same Message-ID, through
 * the delivery ledger. Accepted ones count as exported (job and batch), refused ones keep their new
 * reply. The job must have finished: a running job owns its batches.
 */
export async function retryRefusedDeliveries(options: {
  jobId: string;
  smtp?: ResolveOptions["smtp"];
}): Promise<RetryDeliveriesResult> {
  const job = await db().exportJob.findUnique({ where: { id: options.jobId } });
  if (!job) throw new UserError("No such job.", 404);
  if (!FINISHED.includes(job.status))
    throw new UserError(
      "The job is still running; retry its refused deliveries once it has finished.",
      409,
    );
  const pending = await db().refusedDelivery.findMany({
    where: { jobId: job.id, status: "refused" },
    orderBy: [{ batchNumber: "asc" }, { messageId: "asc" }],
  });
  if (pending.length === 0)
    throw new UserError("This job has no refused deliveries to retry.", 409);
  const plan = parseExportPlan(job.plan);
  const target = await resolveTarget(plan.targetId, { smtp: options.smtp, forWriting: true });
  if (target.family !== "mailbox")
    throw new UserError("This export was written to files; there is nothing to deliver.", 409);
  const writer = writerFor(plan.format, { timeZone: plan.timeZone, policyId: plan.policyId });
  const result: RetryDeliveriesResult = {
    delivered: 0,
    posts: 0,
    refused: 0,
    changed: 0,
    possibleDuplicates: 0,
  };

  for (const number of [...new Set(pending.map((p) => p.batchNumber))]) {
    const wanted = new Set(pending.filter((p) => p.batchNumber === number).map((p) => p.messageId));
    const row = await db().exportBatch.findUniqueOrThrow({
      where: { jobId_number: { jobId: job.id, number } },
    });
    const batch = await renderRecordedBatch({
      plan,
      batch: {
        number,
        startTime: Number(row.startTime),
        endTime: Number(row.endTime),
        from: { updateAt: Number(row.fromUpdateAt), postId: row.fromPostId },
        to: { updateAt: Number(row.toUpdateAt), postId: row.toPostId },
        late: row.late,
      },
    });
    const mailbox = await target.openBatch({ jobId: job.id, batchNumber: number });
    const found = new Set<string>();
    const skip = () => Promise.resolve();
    try {
      await writer({
        batch,
        openAttachment,
        zip: {
          addText: skip,
          addStream: skip,
          addEmail: async (_name: string, email: MailboxEmail) => {
            if (!wanted.has(email.messageId)) return;
            found.add(email.messageId);
            await mailbox.send(email);
          },
        },
      });
    } catch (error) {
      await mailbox.abort();
      throw error;
    }
    const delivery = await mailbox.finish();
    const refusedNow = new Map(delivery.refused.map((r) => [r.messageId, r]));
    const now = new Date();
    let posts = 0;
    let emails = 0;
    for (const messageId of wanted) {
      const stored = pending.find((p) => p.messageId === messageId)!;
      const where = { jobId_messageId: { jobId: job.id, messageId } };
      if (!found.has(messageId)) {
        result.changed++;
      } else if (refusedNow.has(messageId)) {
        result.refused++;
        await db().refusedDelivery.update({
          where,
          data: { reply: refusedNow.get(messageId)!.reply.slice(0, 2000) },
        });
      } else {
        emails++;
        posts += stored.posts;
        await db().refusedDelivery.update({
          where,
          data: { status: "delivered", resolvedAt: now },
        });
      }
    }
    if (emails > 0 || delivery.ambiguous > 0) {
      // An email that may have arrived before it was refused (a lost reply) is a possible duplicate: a warning, as in a run.
      await db().$transaction([
        db().exportBatch.update({
          where: { jobId_number: { jobId: job.id, number } },
          data: { messages: { increment: posts }, warnings: { increment: delivery.ambiguous } },
        }),
        db().exportJob.update({
          where: { id: job.id },
          data: {
            messagesExported: { increment: posts },
            emailsDelivered: { increment: emails },
            warningCount: { increment: delivery.ambiguous },
          },
        }),
      ]);
    }
    result.possibleDuplicates += delivery.ambiguous;
    result.delivered += emails;
    result.posts += posts;
  }
  return result;
}
