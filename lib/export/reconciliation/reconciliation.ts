import type { ExportPlan } from "../plan/export-plan.ts";

export const RECONCILIATION_FILE = "reconciliation.json";
export const RECONCILIATION_VERSION = 1;

/**
 * What one finished run accounts for (docs/reconciliation.md, docs/reconciliation.schema.json):
 * every source row it selected is exported, quarantined or refused by the archive — `unaccounted`
 * says how many are none of these, and anything but 0 makes the job `error`.
 */
export type Reconciliation = {
  version: 1;
  job_id: string;
  policy_id: string;
  format: string;
  /** feed: continues the policy's cursor; window: a date range; posts: --only-quarantined. */
  selection: { kind: "feed" | "window" | "posts"; select: "created" | "changed" | null };
  /** The change feed positions it covered: (from, to]; from is null for a run that does not continue the cursor. */
  feed: { from: number | null; to: number };
  /** The time range it covered (epoch ms), as its directory and batch names show it. */
  time: { start: number; end: number };
  source: {
    posts: number;
    edited_originals: number;
    deleted_posts: number;
    file_infos: number;
    total: number;
  };
  exported: { posts: number; batches: number; entries: Record<string, number> };
  attachments: { exported: number; missing: number; hash_mismatched: number };
  late_arrivals: { count: number; oldest: number | null };
  quarantined: { count: number; posts: Array<{ post_id: string; reason: string }> };
  /** Archive mailbox (Global Relay over SMTP) runs, else null. */
  global_relay: {
    emails_built: number;
    delivered: number;
    resent_after_lost_reply: number;
    failed: number;
    failed_posts: number;
  } | null;
  unaccounted: number;
};

/** UpdatedType "" is a created entry; the file names it. */
const ENTRY_NAMES: Record<string, string> = { "": "Created" };

export function buildReconciliation(options: {
  jobId: string;
  format: string;
  plan: ExportPlan;
  mailbox: boolean;
  quarantined: Array<{ postId: string; reason: string }>;
}): Reconciliation {
  const { plan } = options;
  const t = plan.progress.tally;
  const s = plan.selection;
  const total = t.selected.posts + t.selected.editedOriginals + t.selected.deleted;
  const entries: Record<string, number> = {};
  for (const key of Object.keys(t.entries).sort())
    entries[ENTRY_NAMES[key] ?? key] = t.entries[key]!;
  return {
    version: RECONCILIATION_VERSION,
    job_id: options.jobId,
    policy_id: plan.policyId,
    format: options.format,
    selection: { kind: s.kind, select: s.kind === "window" ? s.select : null },
    feed: { from: s.kind === "feed" ? s.feedFrom : null, to: s.feedTo },
    time: { start: plan.jobStartTime, end: plan.jobEndTime },
    source: {
      posts: t.selected.posts,
      edited_originals: t.selected.editedOriginals,
      deleted_posts: t.selected.deleted,
      file_infos: t.selected.fileInfos,
      total,
    },
    exported: { posts: t.exportedPosts, batches: plan.progress.batches, entries },
    attachments: {
      exported: t.attachments.exported,
      missing: t.attachments.missing,
      hash_mismatched: t.attachments.hashMismatched,
    },
    late_arrivals: { count: plan.progress.late.count, oldest: plan.progress.late.oldest },
    quarantined: {
      count: t.quarantined,
      posts: options.quarantined.map((q) => ({ post_id: q.postId, reason: q.reason })),
    },
    global_relay: options.mailbox
      ? {
          emails_built: t.emails.built,
          delivered: t.emails.delivered,
          resent_after_lost_reply: t.emails.resent,
          failed: t.emails.failed,
          failed_posts: t.emails.failedPosts,
        }
      : null,
    unaccounted: total - t.exportedPosts - t.quarantined - t.emails.failedPosts,
  };
}

export function renderReconciliation(r: Reconciliation): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** A stored reconciliation (ExportJob.reconciliation), or null before the run finished. */
export function parseStoredReconciliation(json: string): Reconciliation | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as Reconciliation;
  } catch {
    return null;
  }
}
