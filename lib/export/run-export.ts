import type { ExportTarget } from "../targets/target.ts";
import { batchFileName } from "./export-paths.ts";
import type { BatchInput } from "./model.ts";
import { openAttachment } from "./open-attachment.ts";
import type { ExportPlan, Key } from "./plan/export-plan.ts";
import { readFilesForPosts, readPostPage } from "./read-post-page.ts";
import { readWindowChannels } from "./read-window-channels.ts";
import { writeBatch } from "./write-batch.ts";
import { writerFor } from "./writers.ts";

export type ExportOutcome =
  | { kind: "finished"; plan: ExportPlan }
  | { kind: "canceled"; plan: ExportPlan }
  | { kind: "stopped"; plan: ExportPlan };

/** One recorded batch: its row, and the plan with the progress after it. */
export type BatchRecord = {
  plan: ExportPlan;
  batch: {
    number: number;
    fileName: string;
    startTime: number;
    endTime: number;
    from: Key;
    to: Key;
    messages: number;
    files: number;
    warnings: number;
    size: number;
    sha256: string;
  };
  /** Where the policy's cursor stands after this batch; set only for runs that move it. */
  cursor: Key | null;
  /** 0–99 while running. */
  percent: number;
};

/** What the caller (the worker, which holds the job's lease) does around the batches. */
export type ExportHooks = {
  /** Before each batch: stop here for a cancel request or a shutdown. */
  checkpoint: () => Promise<"cancel" | "stop" | undefined>;
  /** Right before a batch becomes visible: throws when the job may no longer publish (lease lost). */
  beforePublish: () => Promise<void>;
  /** Records a batch durably, with the job's progress and the cursor, in one transaction. */
  commitBatch: (record: BatchRecord) => Promise<void>;
  /** Called after each batch is recorded (tests). */
  afterBatch?: (batchNumber: number) => Promise<void> | void;
};

/**
 * Runs (or resumes) one export batch by batch: each batch is written to its target under a name
 * that is not visible until complete, then recorded — together with the job's resume point and the
 * policy's cursor — by `commitBatch`. A crash at any point leaves either a recorded batch or one
 * that the resumed job writes again with identical bytes.
 */
export async function runExport(options: { jobId: string; plan: ExportPlan; target: ExportTarget; hooks: ExportHooks }): Promise<ExportOutcome> {
  const { jobId, target, hooks } = options;
  let plan = options.plan;
  const writer = writerFor(plan.format, { timeZone: plan.timeZone, policyId: plan.policyId });
  if (target.family === "files") await target.removePartials(plan.exportDir);
  // The whole job window, not the resume point: a batch written again after a takeover must come
  // out byte-identical to its first writing (metadata.json carries this time).
  const window = await readWindowChannels({ start: plan.jobStartTime, end: plan.jobEndTime });

  for (;;) {
    const stop = await hooks.checkpoint();
    if (stop === "cancel") return { kind: "canceled", plan };
    if (stop === "stop") return { kind: "stopped", plan };

    const from = plan.progress.cursor;
    const posts = await readPostPage({ after: from, until: plan.jobEndTime, limit: plan.batchSize + 1 });
    if (posts.length === 0) break;
    const more = posts.length > plan.batchSize;
    if (more) posts.pop();
    const last = posts[posts.length - 1]!;
    const number = plan.progress.batches + 1;
    const batchStart = from.updateAt;
    const batchEnd = more ? last.updateAt : plan.jobEndTime;
    const batch: BatchInput = {
      batchNumber: number,
      batchStart,
      batchEnd,
      jobStartTime: plan.jobStartTime,
      exportPeriodStart: plan.jobStartTime,
      jobEndTime: plan.jobEndTime,
      posts,
      filesByPost: await readFilesForPosts(posts),
      channels: window.channels,
      memberHistory: window.memberHistory,
      exportAttachments: plan.exportAttachments,
    };
    const fileName = target.family === "files" ? batchFileName({ number, start: batchStart, end: batchEnd }) : "";
    const written = await writeBatch({
      target,
      jobId,
      batchNumber: number,
      path: `${plan.exportDir}/${fileName}`,
      mtime: new Date(plan.jobEndTime),
      fill: (sink) => writer({ batch, zip: sink, openAttachment }),
      beforePublish: hooks.beforePublish,
    });

    const to = { updateAt: last.updateAt, postId: last.id };
    const p = plan.progress;
    // Posts of emails the archive refused are not exported (they are warnings to retry).
    const messages = written.delivery ? written.delivery.deliveredPosts : posts.length;
    const next: ExportPlan = {
      ...plan,
      progress: {
        cursor: to,
        batches: number,
        messages: p.messages + messages,
        files: p.files + written.result.files,
        warnings: p.warnings + written.result.warnings.length,
        emailsDelivered: p.emailsDelivered + (written.delivery ? written.delivery.sent + written.delivery.skipped : 0),
      },
    };
    await hooks.commitBatch({
      plan: next,
      batch: {
        number,
        fileName,
        startTime: batchStart,
        endTime: batchEnd,
        from,
        to,
        messages,
        files: written.result.files,
        warnings: written.result.warnings.length,
        size: written.size,
        sha256: written.sha256,
      },
      cursor: plan.selection.kind === "cursor" ? to : null,
      percent: Math.min(99, Math.floor(((p.messages + posts.length) * 100) / Math.max(1, plan.expected))),
    });
    plan = next;
    await hooks.afterBatch?.(number);
    if (!more) break;
  }
  return { kind: "finished", plan };
}
