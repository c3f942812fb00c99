"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { JobView } from "@/lib/jobs/job-view.ts";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { useToast } from "@/components/ui/toast.tsx";

// Sections of the job detail page that the export engine's next steps fill in (issues 8, 10, 14):
// the reconciliation summary (selected / exported / delivered / late / quarantined) and legal hold.
// They render nothing until their data exists; extend these components, not the page.

export function JobReconciliationSlot(_props: { job: JobView }) {
  return null;
}

type Result = { ok: true; data: unknown } | { ok: false; message: string };
export type LegalHoldActions = {
  hold: (input: { jobId: string; reason: string }) => Promise<Result>;
  release: (input: { jobId: string }) => Promise<Result>;
};

const FINISHED = new Set(["success", "warning", "error", "canceled"]);

/** Legal hold (download + configure): a held export never expires; the release asks first. */
export function JobLegalHoldSlot({ job, canHold, actions }: { job: JobView; canHold?: boolean; actions?: LegalHoldActions }) {
  const router = useRouter();
  const confirm = useConfirm();
  const notify = useToast();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const held = job.legalHold;
  if (!held && (!canHold || !actions || !FINISHED.has(job.status) || job.expired || !job.exportDir)) return null;

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
    if (yes && actions) await call(() => actions.release({ jobId: job.id }), "Released from legal hold.");
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
          {canHold && actions && <button type="button" className="danger" onClick={release} disabled={busy}>{busy ? "Releasing…" : "Release hold"}</button>}
        </>
      ) : (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (actions) void call(() => actions.hold({ jobId: job.id, reason }), "The export is on legal hold.");
          }}
        >
          <label htmlFor="hold-reason">Reason</label>
          <input id="hold-reason" type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Matter or case number" maxLength={500} required />
          <button type="submit" disabled={busy || reason.trim() === ""}>{busy ? "Holding…" : "Put on legal hold"}</button>
        </form>
      )}
    </section>
  );
}
