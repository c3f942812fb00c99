"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Reconciliation } from "@/lib/export/reconciliation/reconciliation.ts";
import type { JobView } from "@/lib/jobs/job-view.ts";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { useToast } from "@/components/ui/toast.tsx";

// Sections of the job detail page that the export engine's next steps fill in (issues 8, 10, 14):
// the reconciliation summary (selected / exported / delivered / late / quarantined) and legal hold.
// They render nothing until their data exists; extend these components, not the page.

const ENTRY_LABELS: Record<string, string> = {
  Created: "created",
  EditedOriginalMsg: "edited (original)",
  EditedNewMsg: "edited (new)",
  UpdatedNoMsgChange: "updated",
  Deleted: "deleted",
  FileDeleted: "file deleted",
};

/** What the finished run accounts for (reconciliation.json), and the posts it quarantined. */
export function JobReconciliationSlot({
  reconciliation: r,
  quarantined,
}: {
  reconciliation: Reconciliation | null;
  quarantined: Array<{ postId: string; reason: string }>;
}) {
  if (!r && quarantined.length === 0) return null;
  const entries = r
    ? Object.entries(r.exported.entries)
        .map(([k, n]) => `${n.toLocaleString("en")} ${ENTRY_LABELS[k] ?? k}`)
        .join(", ")
    : "";
  return (
    <section
      className="card"
      aria-labelledby="reconciliation-heading"
      data-unaccounted={r?.unaccounted}
    >
      <h2 id="reconciliation-heading">Reconciliation</h2>
      {r && (
        <dl className="facts">
          <dt>Change feed</dt>
          <dd className="mono">
            {r.feed.from === null ? `up to ${r.feed.to}` : `(${r.feed.from}, ${r.feed.to}]`}
          </dd>
          <dt>Time range</dt>
          <dd>
            <RelativeTime ms={r.time.start} /> → <RelativeTime ms={r.time.end} />
          </dd>
          <dt>Selected</dt>
          <dd>
            {r.source.posts.toLocaleString("en")} posts,{" "}
            {r.source.edited_originals.toLocaleString("en")} earlier versions,{" "}
            {r.source.deleted_posts.toLocaleString("en")} deleted,{" "}
            {r.source.file_infos.toLocaleString("en")} file infos
          </dd>
          <dt>Exported</dt>
          <dd>
            {r.exported.posts.toLocaleString("en")} rows{entries ? `; entries: ${entries}` : ""}
          </dd>
          <dt>Attachments</dt>
          <dd>
            {r.attachments.exported.toLocaleString("en")} exported, {r.attachments.missing} missing,{" "}
            {r.attachments.hash_mismatched} hash mismatches
          </dd>
          <dt>Late arrivals</dt>
          <dd>
            {r.late_arrivals.count}
            {r.late_arrivals.oldest !== null && (
              <>
                {" "}
                (oldest <RelativeTime ms={r.late_arrivals.oldest} />)
              </>
            )}
          </dd>
          {r.global_relay && (
            <>
              <dt>Emails</dt>
              <dd>
                {r.global_relay.emails_built} built, {r.global_relay.delivered} delivered,{" "}
                {r.global_relay.resent_after_lost_reply} re-sent after a lost reply,{" "}
                {r.global_relay.failed} failed
              </dd>
            </>
          )}
          <dt>Quarantined</dt>
          <dd>{r.quarantined.count}</dd>
          <dt>Unaccounted</dt>
          <dd className={r.unaccounted === 0 ? undefined : "status-error"}>{r.unaccounted}</dd>
        </dl>
      )}
      {quarantined.length > 0 && (
        <>
          <h3>Quarantined posts</h3>
          <p className="help">
            Left out so the rest could be exported. Fix them at the source, then export them again
            with <code>export --only-quarantined</code>.
          </p>
          <ul className="small-text">
            {quarantined.map((q) => (
              <li key={q.postId} data-quarantined={q.postId}>
                <span className="mono">{q.postId}</span>: {q.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

type Result = { ok: true; data: unknown } | { ok: false; message: string };
export type LegalHoldActions = {
  hold: (input: { jobId: string; reason: string }) => Promise<Result>;
  release: (input: { jobId: string }) => Promise<Result>;
};

const FINISHED = new Set(["success", "warning", "error", "canceled"]);

/** Legal hold (download + configure): a held export never expires; the release asks first. */
export function JobLegalHoldSlot({
  job,
  canHold,
  actions,
}: {
  job: JobView;
  canHold?: boolean;
  actions?: LegalHoldActions;
}) {
  const router = useRouter();
  const confirm = useConfirm();
  const notify = useToast();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const held = job.legalHold;
  if (!held && (!canHold || !actions || !FINISHED.has(job.status) || job.expired || !job.exportDir))
    return null;

  const call = async (run: () => Promise<Result>, ok: string) => {
    setBusy(true);
    try {
      const result = await run();
      notify(result.ok ? "ok" : "error", result.ok ? ok : result.message);
      if (result.ok) setReason("");
      router.refresh();
    } catch {
      notify("error", "The server could not be reached. Try again.");
    } finally {
      setBusy(false);
    }
  };
  const release = async () => {
    const yes = await confirm({
      title: "Release this export from legal hold?",
      description: `It expires again with its target's retention${job.expiresAt ? "" : " (this target keeps exports until its bucket rules remove them)"}; on a bucket with Object Lock the S3 legal hold is lifted too.`,
      confirmLabel: "Release hold",
      cancelLabel: "Keep the hold",
      destructive: true,
    });
    if (yes && actions)
      await call(() => actions.release({ jobId: job.id }), "Released from legal hold.");
  };

  return (
    <section className="card" aria-labelledby="hold-heading">
      <h2 id="hold-heading">Legal hold</h2>
      {held ? (
        <>
          <p>
            On legal hold: <strong>{held.reason}</strong>
          </p>
          <p className="help">
            By {held.by || "—"}, <RelativeTime ms={held.at} />. A held export never expires.
          </p>
          {canHold && actions && (
            <button type="button" className="danger" onClick={release} disabled={busy}>
              {busy ? "Releasing…" : "Release hold"}
            </button>
          )}
        </>
      ) : (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (actions)
              void call(
                () => actions.hold({ jobId: job.id, reason }),
                "The export is on legal hold.",
              );
          }}
        >
          <label htmlFor="hold-reason">Reason</label>
          <input
            id="hold-reason"
            type="text"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="Matter or case number"
            maxLength={500}
            required
          />
          <button type="submit" disabled={busy || reason.trim() === ""}>
            {busy ? "Holding…" : "Put on legal hold"}
          </button>
        </form>
      )}
    </section>
  );
}
