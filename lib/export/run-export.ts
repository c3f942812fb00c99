import { IntegrityError } from "../encryption/envelope.ts";
import { LeaseLostError } from "../jobs/lease.ts";
import { SmtpDeliveryError } from "../targets/smtp/deliver-global-relay-batch.ts";
import type { ExportTarget, RefusedEmail } from "../targets/target.ts";
import { batchFileName } from "./export-paths.ts";
import { markCreatedEntries } from "./feed/created-entries.ts";
import { compareKeys, type FeedCursor } from "./feed/feed-cursor.ts";
import type {
  BatchInput,
  ExportChannel,
  ExportPost,
  FormatWriter,
  MemberHistoryRow,
} from "./model.ts";
import type { ExportPlan, Key } from "./plan/export-plan.ts";
import { readFilesForPosts, readPostPage, type PageSelection } from "./read-post-page.ts";
import { readWindowChannels } from "./read-window-channels.ts";
import {
  findCrashingPosts,
  findThrowingPosts,
  quarantineLine,
  type Quarantined,
} from "./quarantine/find-throwing-posts.ts";
import {
  clearCrashSuspect,
  CRASHES_BEFORE_QUARANTINE,
  markCrashSuspect,
} from "./quarantine/quarantine-store.ts";
import { unsafeRecordReason } from "./quarantine/unsafe-record.ts";
import {
  accountBatch,
  countSelected,
  type AccountedBatch,
  type ExportedAttachment,
} from "./reconciliation/account-batch.ts";
import { addTally } from "./reconciliation/tally.ts";
import { writeBatch, type WrittenBatch } from "./write-batch.ts";
import { writerFor } from "./writers.ts";

export type ExportOutcome =
  | { kind: "finished"; plan: ExportPlan; cursor: FeedCursor | null }
  | { kind: "canceled"; plan: ExportPlan }
  | { kind: "stopped"; plan: ExportPlan };

/** One recorded batch: its row, the plan with the progress after it, and the policy's cursor. */
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
    feedTo: number;
    readSeq: number;
    late: boolean;
    /** The attachments it holds, with their hashes as exported (for the manifest). */
    attachments: ExportedAttachment[];
  };
  /** Posts of the batch left out because they cannot be rendered (lib/export/quarantine). */
  quarantined: Quarantined[];
  /** For an --only-quarantined run: the posts this batch exported, out of quarantine now. */
  released: string[];
  /** Where the policy's cursor stands after this batch; set only for runs that move it. */
  cursor: FeedCursor | null;
  /** Emails of the batch the archive refused (mailbox targets): recorded with the batch, retried on request. */
  refused: RefusedEmail[];
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

type Window = {
  channels: Map<string, ExportChannel>;
  memberHistory: Map<string, MemberHistoryRow[]>;
};

/**
 * Runs (or resumes) one export batch by batch: each batch is written to its target under a name
 * that is not visible until complete, then recorded — together with the job's resume point and the
 * policy's cursor — by `commitBatch`. A crash at any point leaves either a recorded batch or one
 * that the resumed job writes again with identical bytes. A run of the change feed exports its
 * late arrivals first, in batches of their own, then the rest.
 */
export async function runExport(options: {
  jobId: string;
  plan: ExportPlan;
  target: ExportTarget;
  hooks: ExportHooks;
  wrapWriter?: (writer: FormatWriter) => FormatWriter;
  /** An earlier attempt's worker died: render the next batch's posts one by one first (lib/export/quarantine). */
  afterCrash?: boolean;
}): Promise<ExportOutcome> {
  const { jobId, target, hooks } = options;
  let afterCrash = options.afterCrash === true;
  let plan = options.plan;
  const formatWriter = writerFor(plan.format, { timeZone: plan.timeZone, policyId: plan.policyId });
  const writer = options.wrapWriter ? options.wrapWriter(formatWriter) : formatWriter;
  if (target.family === "files") await target.removePartials(plan.exportDir);
  // The windows are the job's, not the resume point's: a batch written again after a takeover
  // must come out byte-identical to its first writing (metadata.json lists the window's channels).
  const windows = new Map<string, Promise<Window>>();
  const windowOf = (start: number, end: number) => {
    const key = `${start}-${end}`;
    if (!windows.has(key)) windows.set(key, readWindowChannels({ start, end, scope: plan.scope }));
    return windows.get(key)!;
  };

  for (;;) {
    const stop = await hooks.checkpoint();
    if (stop === "cancel") return { kind: "canceled", plan };
    if (stop === "stop") return { kind: "stopped", plan };

    const p = plan.progress;
    const late = p.phase === "late";
    const page = await readPostPage({
      selection: pageSelection(plan),
      after: p.cursor,
      limit: plan.batchSize + 1,
    });
    const posts = page.posts;
    if (posts.length === 0) {
      if (!late) break;
      // The late arrivals are done: the rest starts at the frontier. Nothing to record — a resume
      // finds the late pass empty again and takes the same step.
      plan = { ...plan, progress: { ...p, phase: "normal", cursor: frontierOf(plan) } };
      continue;
    }
    const more = posts.length > plan.batchSize;
    if (more) posts.pop();
    const last = posts[posts.length - 1]!;
    const number = p.batches + 1;
    const batchStart = late ? posts[0]!.updateAt : p.cursor.updateAt;
    const batchEnd = late || more ? last.updateAt : Math.max(plan.jobEndTime, last.updateAt);
    const whole = await batchInputOf({ plan, number, batchStart, batchEnd, late, posts, windowOf });
    const filesByPost = whole.filesByPost;
    // A post that can never be written safely is left out, not allowed to stop the stream.
    const quarantined: Quarantined[] = [];
    for (const post of posts) {
      const reason = unsafeRecordReason(post, filesByPost.get(post.id));
      if (reason) quarantined.push({ postId: post.id, updateAt: post.updateAt, reason });
    }
    const batchOf = (kept: typeof posts): BatchInput => ({ ...whole, posts: kept });
    const fileName =
      target.family === "files" ? batchFileName({ number, start: batchStart, end: batchEnd }) : "";
    if (afterCrash) {
      afterCrash = false;
      const left = new Set(quarantined.map((q) => q.postId));
      quarantined.push(
        ...(await findCrashingPosts({
          writer,
          batch: batchOf(posts.filter((p) => !left.has(p.id))),
          mark: (post) =>
            markCrashSuspect({
              policyId: plan.policyId,
              jobId,
              postId: post.id,
              updateAt: post.updateAt,
            }),
          clear: (postId) => clearCrashSuspect({ policyId: plan.policyId, postId }),
          threshold: CRASHES_BEFORE_QUARANTINE,
        })),
      );
    }
    let written: WrittenBatch;
    let accounted: AccountedBatch | undefined;
    for (;;) {
      const left = new Set(quarantined.map((q) => q.postId));
      const batch = batchOf(posts.filter((p) => !left.has(p.id)));
      try {
        written = await writeBatch({
          target,
          jobId,
          batchNumber: number,
          path: `${plan.exportDir}/${fileName}`,
          mtime: new Date(plan.jobEndTime),
          decryptAttachments: plan.decryptAttachments,
          fill: async (sink, openAttachment) => {
            accounted = await accountBatch({
              writer,
              batch,
              zip: sink,
              openAttachment,
              checkHashes: plan.decryptAttachments,
              extraWarnings: quarantined.map(quarantineLine),
              emails: plan.format === "eml",
            });
            return accounted.result;
          },
          beforePublish: hooks.beforePublish,
        });
        break;
      } catch (error) {
        if (isInfrastructureError(error)) throw error;
        // A renderer threw: find the posts that make it throw on their own and leave them out.
        const culprits = await findThrowingPosts(writer, batch);
        if (culprits.length === 0) throw error;
        quarantined.push(...culprits);
      }
    }
    const exported = posts.length - quarantined.length;

    const to = { updateAt: last.updateAt, postId: last.id };
    // Posts of emails the archive refused are not exported (they are warnings, to retry).
    const messages = written.delivery ? written.delivery.deliveredPosts : exported;
    const failedPosts = written.delivery
      ? written.delivery.refused.reduce((n, r) => n + r.posts, 0)
      : 0;
    const tally = addTally(plan.progress.tally, {
      ...accounted!.tally,
      selected: countSelected(posts, filesByPost),
      exportedPosts: messages,
      quarantined: quarantined.length,
      emails: {
        built: accounted!.tally.emails.built,
        delivered: written.delivery ? written.delivery.sent + written.delivery.skipped : 0,
        resent: written.delivery?.ambiguous ?? 0,
        failed: written.delivery?.failed ?? 0,
        failedPosts,
      },
    });
    const oldest = posts[0]!.updateAt;
    const next: ExportPlan = {
      ...plan,
      progress: {
        phase: p.phase,
        cursor: to,
        batches: number,
        messages: p.messages + messages,
        files: p.files + written.result.files,
        warnings: p.warnings + written.result.warnings.length,
        emailsDelivered:
          p.emailsDelivered +
          (written.delivery ? written.delivery.sent + written.delivery.skipped : 0),
        late: late
          ? {
              count: p.late.count + posts.length,
              oldest: p.late.oldest === null ? oldest : Math.min(p.late.oldest, oldest),
            }
          : p.late,
        tally,
      },
    };
    await hooks.commitBatch({
      plan: next,
      batch: {
        number,
        fileName,
        startTime: batchStart,
        endTime: batchEnd,
        from: p.cursor,
        to,
        messages,
        files: written.result.files,
        warnings: written.result.warnings.length,
        size: written.size,
        sha256: written.sha256,
        feedTo: plan.selection.feedTo,
        readSeq: page.readSeq,
        late,
        attachments: accounted!.attachments,
      },
      quarantined,
      released:
        plan.selection.kind === "posts"
          ? posts
              .filter((post) => !quarantined.some((q) => q.postId === post.id))
              .map((post) => post.id)
          : [],
      cursor: cursorAfterBatch(plan, to),
      refused: written.delivery?.refused ?? [],
      percent: Math.min(
        99,
        Math.floor(((p.messages + posts.length) * 100) / Math.max(1, plan.expected)),
      ),
    });
    plan = next;
    await hooks.afterBatch?.(number);
    if (!more && !late) break;
  }
  return { kind: "finished", plan, cursor: finalCursor(plan) };
}

/** Failures of the store, the network or the lease: no post's fault, never a reason to quarantine. */
function isInfrastructureError(error: unknown): boolean {
  const e = error as { code?: unknown } | null;
  return (
    !e ||
    typeof e.code === "string" ||
    error instanceof LeaseLostError ||
    error instanceof SmtpDeliveryError ||
    error instanceof IntegrityError
  );
}

function pageSelection(plan: ExportPlan): PageSelection {
  const s = plan.selection;
  return s.kind === "feed"
    ? { ...s, phase: plan.progress.phase, scope: plan.scope }
    : { ...s, scope: plan.scope };
}

/** What the writer gets for one batch: its posts with their files, the window's channels, the created entries due. */
async function batchInputOf(o: {
  plan: ExportPlan;
  number: number;
  batchStart: number;
  batchEnd: number;
  late: boolean;
  posts: ExportPost[];
  windowOf: (start: number, end: number) => Promise<Window>;
}): Promise<BatchInput> {
  const { plan, posts } = o;
  const window =
    o.late && plan.lateWindow
      ? await o.windowOf(plan.lateWindow.start, plan.lateWindow.end)
      : await o.windowOf(plan.jobStartTime, plan.jobEndTime);
  if (plan.selection.kind === "feed") {
    await markCreatedEntries({
      posts,
      policyId: plan.policyId,
      exportFrom: plan.selection.exportFrom,
      cursor: {
        feedFrom: plan.selection.feedFrom,
        regions: plan.selection.regions,
        frontier: plan.selection.frontier,
      },
    });
  }
  return {
    batchNumber: o.number,
    batchStart: o.batchStart,
    batchEnd: o.batchEnd,
    jobStartTime: plan.jobStartTime,
    exportPeriodStart: plan.jobStartTime,
    jobEndTime: plan.jobEndTime,
    posts,
    filesByPost: await readFilesForPosts(posts),
    channels: window.channels,
    memberHistory: window.memberHistory,
    exportAttachments: plan.exportAttachments,
  };
}

/**
 * One recorded batch rendered again, as its job first wrote it (the same posts from the same
 * position; "Retry failed deliveries" resends the emails the archive refused from it). A post
 * changed since then renders differently and gets another Message-ID.
 */
export async function renderRecordedBatch(o: {
  plan: ExportPlan;
  batch: { number: number; startTime: number; endTime: number; from: Key; to: Key; late: boolean };
}): Promise<BatchInput> {
  const { plan, batch } = o;
  const selection: PageSelection =
    plan.selection.kind === "feed"
      ? { ...plan.selection, phase: batch.late ? "late" : "normal", scope: plan.scope }
      : { ...plan.selection, scope: plan.scope };
  const page = await readPostPage({ selection, after: batch.from, limit: plan.batchSize });
  const posts = page.posts.filter(
    (p) => compareKeys({ updateAt: p.updateAt, postId: p.id }, batch.to) <= 0,
  );
  const windowOf = (start: number, end: number) => readWindowChannels({ start, end });
  return batchInputOf({
    plan,
    number: batch.number,
    batchStart: batch.startTime,
    batchEnd: batch.endTime,
    late: batch.late,
    posts,
    windowOf,
  });
}

function frontierOf(plan: ExportPlan): Key {
  return plan.selection.kind === "feed" ? plan.selection.frontier : plan.progress.cursor;
}

/**
 * How far a run has covered time after a batch: past its last post once the late arrivals are done
 * — but never past the run's end, so one post dated in the future does not make every later post
 * a "late arrival".
 */
function frontierAfter(plan: ExportPlan, phase: "late" | "normal", to: Key): Key {
  const frontier = frontierOf(plan);
  if (phase === "late" || compareKeys(to, frontier) <= 0) return frontier;
  return to.updateAt > plan.jobEndTime ? { updateAt: plan.jobEndTime, postId: "" } : to;
}

/** The cursor while a run is under way: what it exported so far is the region (its watermark, its key). */
function cursorAfterBatch(plan: ExportPlan, to: Key): FeedCursor | null {
  const s = plan.selection;
  if (s.kind !== "feed") return null;
  return {
    feedFrom: s.feedFrom,
    regions: [...s.regions, { seqTo: s.feedTo, keyTo: to }],
    frontier: frontierAfter(plan, plan.progress.phase, to),
  };
}

/** The cursor after a finished run: everything stamped up to its watermark is exported. */
function finalCursor(plan: ExportPlan): FeedCursor | null {
  const s = plan.selection;
  if (s.kind !== "feed") return null;
  return {
    feedFrom: s.feedTo,
    regions: [],
    frontier: frontierAfter(plan, plan.progress.phase, plan.progress.cursor),
  };
}
