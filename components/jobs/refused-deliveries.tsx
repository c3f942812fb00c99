"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { JobView } from "@/lib/jobs/job-view.ts";
import { plural } from "@/components/ui/format.ts";
import { useToast } from "@/components/ui/toast.tsx";

type Result<T> = { ok: true; data: T } | { ok: false; message: string };
export type RetryDeliveriesAction = (input: { jobId: string }) => Promise<
  Result<{
    delivered: number;
    posts: number;
    refused: number;
    changed: number;
    possibleDuplicates: number;
  }>
>;

const FINISHED = new Set(["success", "warning", "error", "canceled"]);

/** The emails the archive refused (their posts are not counted as exported), and "Retry failed deliveries". */
export function RefusedDeliveries({
  job,
  canRun,
  retry,
}: {
  job: JobView;
  canRun: boolean;
  retry?: RetryDeliveriesAction;
}) {
  const router = useRouter();
  const notify = useToast();
  const [busy, setBusy] = useState(false);
  const rows = job.refusedDeliveries ?? [];
  if (rows.length === 0) return null;
  const open = rows.filter((r) => r.status === "refused");
  const onRetry = async () => {
    if (!retry) return;
    setBusy(true);
    try {
      const result = await retry({ jobId: job.id });
      if (!result.ok) notify("error", result.message);
      else {
        const r = result.data;
        const text = `${plural(r.delivered, "email")} accepted (${plural(r.posts, "post")})${r.refused ? `, ${r.refused} refused again` : ""}${r.changed ? `, ${r.changed} changed since and not sent` : ""}.`;
        notify(r.refused + r.changed > 0 ? "error" : "ok", text);
      }
      router.refresh();
    } catch {
      notify("error", "The server could not be reached. Try again.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="refused-heading">
      <h2 id="refused-heading">Refused deliveries</h2>
      <p className="help">
        {open.length > 0
          ? `The archive refused ${plural(open.length, "email")}; their posts are not counted as exported until a retry gets them accepted (same Message-ID).`
          : "Every refused email was accepted on a retry."}
      </p>
      {canRun && retry && open.length > 0 && FINISHED.has(job.status) && (
        <p>
          <button type="button" onClick={onRetry} disabled={busy} aria-busy={busy || undefined}>
            {busy ? "Retrying…" : "Retry failed deliveries"}
          </button>
        </p>
      )}
      <div className="table-scroll">
        <table className="stack">
          <thead>
            <tr>
              <th scope="col">Batch</th>
              <th scope="col">Channel</th>
              <th scope="col">Posts</th>
              <th scope="col">Reply</th>
              <th scope="col">Message-ID</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.messageId} data-refused={r.status}>
                <td data-label="Batch">{r.batchNumber}</td>
                <td data-label="Channel" className="mono mono-break">
                  {r.channelId}
                </td>
                <td data-label="Posts" className="mono mono-break small-text">
                  {r.posts}: {r.postIds.join(", ")}
                </td>
                <td data-label="Reply">
                  {r.status === "delivered" ? (
                    <span>accepted on retry</span>
                  ) : (
                    <span className="status-error">{r.reply}</span>
                  )}
                </td>
                <td data-label="Message-ID" className="mono mono-break small-text">
                  {r.messageId}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
