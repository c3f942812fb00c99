import { db } from "../db/client.ts";
import { exportStore } from "../delivery/export-store.ts";
import { parseJobData, type JobData } from "../jobs/job-data.ts";
import { fencedJobUpdate, LeaseLostError, renewLease, type Lease } from "../jobs/lease.ts";
import type { ExportFormat } from "../settings/schema.ts";
import { batchFileName } from "./export-paths.ts";
import { initJobWindow } from "./init-job-window.ts";
import type { BatchInput, BatchResult } from "./model.ts";
import { deliverBatchBySmtp } from "./deliver-batch-by-smtp.ts";
import type { RetryPolicy } from "../delivery/smtp/index.ts";
import { openAttachment } from "./open-attachment.ts";
import { readFilesForPosts, readPostPage } from "./read-post-page.ts";
import { readWindowChannels } from "./read-window-channels.ts";
import { writerFor } from "./writers.ts";
import { writeZip } from "./write-zip.ts";

export type ExportOutcome =
  | { kind: "finished"; warnings: number; messages: number; files: number; batches: number }
  | { kind: "canceled" }
  | { kind: "stopped" };

export type RunOptions = {
  lease: Lease;
  /** Set when the process is shutting down: the job goes back to pending after the current batch. */
  stopSignal?: AbortSignal;
  now?: () => Date;
  /** How often and how patiently a failing SMTP send is retried within one attempt (tests shorten it). */
  smtpRetry?: RetryPolicy;
  /** Test hook: called after each batch is durably recorded. */
  afterBatch?: (batchNumber: number) => Promise<void> | void;
};

/**
 * Runs (or resumes) one export job batch by batch. Each batch is written to a hidden temporary
 * file, renamed into place, and then recorded — together with the job's resume point and the
 * policy's cursor — in one transaction fenced by the lease. A crash at any point therefore leaves
 * either a recorded batch or one that the resumed job writes again with identical bytes.
 */
export async function runExportJob(options: RunOptions): Promise<ExportOutcome> {
  const now = options.now ?? (() => new Date());
  const { lease } = options;
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: lease.jobId } });
  if (job.status === "cancel_requested") return { kind: "canceled" };

  const data = await initJobWindow({ job: { ...job, data: parseJobData(job.data) }, now: now() });
  const format = data.export_type as ExportFormat;
  // Global Relay's SMTP format delivers each batch by email instead of writing a zip.
  const writer = format === "globalrelay" ? undefined : writerFor(format, { timeZone: data.time_zone ?? "UTC", jobId: lease.jobId });
  const dir = data.export_dir!;
  const jobStartTime = Number(data.job_start_time);
  const jobEndTime = Number(data.job_end_time);
  const batchSize = Number(data.batch_size);
  const exportAttachments = data.export_attachments !== "false";
  let cursor = { updateAt: Number(data.batch_start_time), postId: data.batch_start_id ?? "" };
  let batchNumber = Number(data.job_batch_number ?? "0");
  let messages = Number(data.messages_exported ?? "0");
  let files = Number(data.files_exported ?? "0");
  let warnings = job.warningCount;
  let delivered = Number(data.emails_delivered ?? "0");

  const expectedTotal = messages + (await countPosts(cursor, jobEndTime));
  data.total_posts_expected = String(expectedTotal);
  await db().$transaction((tx) =>
    fencedJobUpdate(tx, lease, {
      data: JSON.stringify(data),
      format,
      exportDir: dir,
      windowStart: BigInt(jobStartTime),
      windowEnd: BigInt(jobEndTime),
    }),
  );
  const store = exportStore();
  await store.removePartials(dir);
  // The whole job window, not the resume point: a batch written again after a takeover must come
  // out byte-identical to its first writing (metadata.json carries this time).
  const exportPeriodStart = jobStartTime;
  const window = await readWindowChannels({ start: exportPeriodStart, end: jobEndTime });

  for (;;) {
    const current = await db().exportJob.findUniqueOrThrow({ where: { id: lease.jobId }, select: { status: true } });
    if (current.status === "cancel_requested") return { kind: "canceled" };
    if (options.stopSignal?.aborted) return { kind: "stopped" };

    const posts = await readPostPage({ after: cursor, until: jobEndTime, limit: batchSize + 1 });
    if (posts.length === 0) break;
    const more = posts.length > batchSize;
    if (more) posts.pop();
    const last = posts[posts.length - 1]!;
    const batchStart = cursor.updateAt;
    const batchEnd = more ? last.updateAt : jobEndTime;
    const number = batchNumber + 1;
    const batch: BatchInput = {
      batchNumber: number,
      batchStart,
      batchEnd,
      jobStartTime,
      exportPeriodStart,
      jobEndTime,
      posts,
      filesByPost: await readFilesForPosts(posts),
      channels: window.channels,
      memberHistory: window.memberHistory,
      exportAttachments,
    };
    let fileName = "";
    let written: { result: BatchResult; size: number; sha256: string };
    if (format === "globalrelay") {
      const result = await deliverBatchBySmtp({ batch, jobId: lease.jobId, retry: options.smtpRetry });
      delivered += result.delivered;
      written = { result, size: 0, sha256: "" };
      if (!(await renewLease(lease))) throw new LeaseLostError(lease.jobId);
    } else {
      fileName = batchFileName({ number, start: batchStart, end: batchEnd });
      const target = await store.createPending(`${dir}/${fileName}`);
      written = await writeZip({ target, mtime: new Date(jobEndTime), fill: (zip) => writer!({ batch, zip, openAttachment }) });
      if (!(await renewLease(lease))) {
        await target.abort();
        throw new LeaseLostError(lease.jobId);
      }
      await target.commit();
    }

    batchNumber = number;
    messages += posts.length;
    files += written.result.files;
    warnings += written.result.warnings.length;
    const next = { updateAt: last.updateAt, postId: last.id };
    const nextData: JobData = {
      ...data,
      batch_start_time: String(next.updateAt),
      batch_start_id: next.postId,
      job_batch_number: String(batchNumber),
      messages_exported: String(messages),
      files_exported: String(files),
      ...(format === "globalrelay" ? { emails_delivered: String(delivered) } : {}),
    };
    await db().$transaction(async (tx) => {
      await fencedJobUpdate(tx, lease, {
        data: JSON.stringify(nextData),
        batchesWritten: batchNumber,
        messagesExported: messages,
        filesExported: files,
        warningCount: warnings,
        progress: Math.min(99, Math.floor((messages * 100) / Math.max(1, expectedTotal))),
      });
      await tx.exportBatch.create({
        data: {
          jobId: lease.jobId,
          number,
          fileName,
          startTime: BigInt(batchStart),
          endTime: BigInt(batchEnd),
          fromUpdateAt: BigInt(cursor.updateAt),
          fromPostId: cursor.postId,
          toUpdateAt: BigInt(next.updateAt),
          toPostId: next.postId,
          messages: posts.length,
          files: written.result.files,
          warnings: written.result.warnings.length,
          size: BigInt(written.size),
          sha256: written.sha256,
        },
      });
      if (job.movesCursor) {
        await tx.exportCursor.upsert({
          where: { policyId: job.policyId },
          create: { policyId: job.policyId, lastUpdateAt: BigInt(next.updateAt), lastPostId: next.postId, jobId: lease.jobId },
          update: { lastUpdateAt: BigInt(next.updateAt), lastPostId: next.postId, jobId: lease.jobId },
        });
      }
    });
    Object.assign(data, nextData);
    cursor = next;
    await options.afterBatch?.(number);
    if (!more) break;
  }
  return { kind: "finished", warnings, messages, files, batches: batchNumber };
}

async function countPosts(after: { updateAt: number; postId: string }, until: number): Promise<number> {
  return db().post.count({
    where: {
      AND: [
        { updateAt: { gte: BigInt(after.updateAt), lte: BigInt(until) } },
        { OR: [{ updateAt: { gt: BigInt(after.updateAt) } }, { id: { gt: after.postId } }] },
        { NOT: { type: { startsWith: "system_" } } },
      ],
    },
  });
}
