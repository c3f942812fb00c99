"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { JobDetail } from "@/lib/job-detail/read-job-detail.ts";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { DownloadLink } from "@/components/ui/download-link.tsx";
import { formatBytes, plural } from "@/components/ui/format.ts";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import type { Status } from "@/components/ui/status-message.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import { formatDuration } from "./format-time.ts";
import {
  ACTIVE_STATUSES,
  formatLabel,
  shortId,
  STATUS_LABEL,
  TRIGGER_LABEL,
} from "./job-labels.ts";
import {
  JobLegalHoldSlot,
  JobReconciliationSlot,
  type LegalHoldActions,
} from "./job-detail-slots.tsx";
import { JobStatusBadge } from "./job-status-badge.tsx";
import { RefusedDeliveries, type RetryDeliveriesAction } from "./refused-deliveries.tsx";

type Result<T> = { ok: true; data: T } | { ok: false; message: string };
type Actions = {
  cancel: (input: { jobId: string }) => Promise<Result<unknown>>;
  retry: (input: { jobId: string }) => Promise<Result<{ jobId: string }>>;
  verify: (input: {
    jobId: string;
  }) => Promise<Result<{ ok: boolean; problems: string[]; checkedJobs: number }>>;
  retryDeliveries?: RetryDeliveriesAction;
} & Partial<LegalHoldActions>;

const EVENT_LABEL: Record<string, string> = {
  createJob: "Created",
  cancelJob: "Cancel",
  updateJobStatus: "Status change",
};

/** /jobs/<id>: what ran, for whom, what it wrote, what went wrong and what to do next. */
export function JobDetailView({
  detail,
  canRun,
  canDownload,
  canHold,
  actions,
}: {
  detail: JobDetail;
  canRun: boolean;
  canDownload: boolean;
  canHold?: boolean;
  actions: Actions;
}) {
  const { job } = detail;
  const router = useRouter();
  const confirm = useConfirm();
  const notify = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const [verify, setVerify] = useState<{ ok: boolean; problems: string[] } | null>(null);
  const active = ACTIVE_STATUSES.has(job.status);

  // While the job runs, re-read the page every 2 s (server component data: no client cache to keep).
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), 2000);
    return () => clearInterval(timer);
  }, [active, router]);

  const run = async <T,>(
    name: string,
    call: () => Promise<Result<T>>,
    ok: (data: T) => Status | void,
  ) => {
    setBusy(name);
    try {
      const result = await call();
      const s = result.ok ? ok(result.data) : { kind: "error" as const, text: result.message };
      if (s) notify(s.kind, s.text);
      router.refresh();
    } catch {
      notify("error", "The server could not be reached. Try again.");
    } finally {
      setBusy(null);
    }
  };
  const cancel = async () => {
    const yes = await confirm({
      title: "Cancel this export?",
      description: `Job ${shortId(job.id)} stops after the batch it is writing. Finished batches are kept and the next run continues after them.`,
      confirmLabel: "Cancel export",
      cancelLabel: "Keep running",
      destructive: true,
    });
    if (yes)
      await run(
        "cancel",
        () => actions.cancel({ jobId: job.id }),
        () => ({ kind: "ok", text: "Cancel requested." }),
      );
  };
  const retry = () =>
    run(
      "retry",
      () => actions.retry({ jobId: job.id }),
      (data) => {
        router.push(`/jobs/${data.jobId}`);
        return { kind: "ok", text: `Retry started as job ${shortId(data.jobId)}.` };
      },
    );
  const doVerify = () =>
    run(
      "verify",
      () => actions.verify({ jobId: job.id }),
      (data) => {
        setVerify(data);
        return data.ok
          ? {
              kind: "ok",
              text: "Verified: the manifest is signed and chained, and every file matches its SHA-256.",
            }
          : {
              kind: "error",
              text: `Verification found ${plural(data.problems.length, "problem")}.`,
            };
      },
    );

  const downloadable = job.downloadable && canDownload;
  return (
    <>
      <div className="page-header">
        <h1>
          Job <span className="mono">{shortId(job.id)}</span> <JobStatusBadge status={job.status} />
        </h1>
        <div className="inline">
          {downloadable && (
            <button
              type="button"
              className="secondary"
              onClick={doVerify}
              disabled={busy !== null}
              aria-busy={busy === "verify" || undefined}
            >
              {busy === "verify" ? "Verifying…" : "Verify"}
            </button>
          )}
          {canRun && job.status === "error" && (
            <button
              type="button"
              onClick={retry}
              disabled={busy !== null}
              aria-busy={busy === "retry" || undefined}
            >
              {busy === "retry" ? "Starting…" : "Retry"}
            </button>
          )}
          {canRun && (job.status === "pending" || job.status === "in_progress") && (
            <button type="button" className="danger" onClick={cancel} disabled={busy !== null}>
              Cancel job
            </button>
          )}
        </div>
      </div>
      <p>
        <Link href="/jobs">← All jobs</Link>
      </p>
      {verify && !verify.ok && (
        <ul className="card status-error" aria-label="Verification problems">
          {verify.problems.map((p) => (
            <li key={p} className="mono-break">
              {p}
            </li>
          ))}
        </ul>
      )}

      {job.status === "error" && (
        <section className="card alert-error" aria-labelledby="error-heading">
          <h2 id="error-heading">What went wrong</h2>
          <p className="mono-break">{job.error || "The job failed without an error message."}</p>
          {detail.nextStep && (
            <p>
              <strong>Next step:</strong> {detail.nextStep}
            </p>
          )}
        </section>
      )}

      <div className="grid-cards">
        <section className="card" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Summary</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              {STATUS_LABEL[job.status] ?? job.status}
              {job.status === "in_progress" && (
                <>
                  {" "}
                  · {job.progress}% · batch {job.currentBatch}
                </>
              )}
            </dd>
            <dt>Started by</dt>
            <dd>
              {TRIGGER_LABEL[job.trigger] ?? job.trigger}
              {detail.startedBy && job.trigger !== "scheduled"
                ? ` · ${detail.startedBy.replace(/^cli \((.*)\)$/, "$1")}`
                : ""}
            </dd>
            <dt>Policy</dt>
            <dd>
              {job.policyId === "default" ? "default (the Compliance Export)" : job.policyName}
            </dd>
            <dt>Format</dt>
            <dd>{formatLabel(job.format)}</dd>
            <dt>Created</dt>
            <dd>
              <RelativeTime ms={job.createdAt} />
            </dd>
            <dt>Finished</dt>
            <dd>
              <RelativeTime ms={job.finishedAt} />
              {job.durationMs !== null && (
                <span className="muted"> · took {formatDuration(job.durationMs)}</span>
              )}
            </dd>
            <dt>Job id</dt>
            <dd className="mono">{job.id}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="window-heading">
          <h2 id="window-heading">Window and output</h2>
          <dl className="facts">
            <dt>From</dt>
            <dd>
              <RelativeTime ms={job.windowStart} />
            </dd>
            <dt>To</dt>
            <dd>
              {job.windowEnd !== null ? <RelativeTime ms={job.windowEnd} /> : "when the job starts"}
            </dd>
            {job.select && (
              <>
                <dt>Selects</dt>
                <dd data-select={job.select}>
                  {job.select === "created"
                    ? "Messages created in the window, with all their versions up to now"
                    : "Messages changed in the window"}
                </dd>
              </>
            )}
            <dt>Exported</dt>
            <dd>
              {plural(job.messages, "message")}, {plural(job.files, "file")}
              {job.delivered !== null ? `, ${plural(job.delivered, "email")} delivered` : ""}
            </dd>
            <dt>Warnings</dt>
            <dd>{job.warnings}</dd>
            <dt>Target</dt>
            <dd>{job.targetName}</dd>
            <dt>Directory</dt>
            <dd className="mono">{job.exportDir || "—"}</dd>
            <dt>Download</dt>
            <dd>
              {downloadable ? (
                <DownloadLink
                  href={`/api/v1/exports/${job.id}/download`}
                  label="Download all batches"
                  expiresAt={job.expiresAt}
                />
              ) : job.expired ? (
                "Expired"
              ) : job.downloadable ? (
                "Needs the download right"
              ) : (
                "Not available"
              )}
              {job.legalHold && <div className="small-text">On legal hold: never expires</div>}
            </dd>
          </dl>
        </section>
      </div>

      <JobReconciliationSlot
        reconciliation={detail.reconciliation}
        quarantined={detail.quarantined}
      />

      <RefusedDeliveries job={job} canRun={canRun} retry={actions.retryDeliveries} />

      <section className="card" aria-labelledby="batches-heading">
        <h2 id="batches-heading">Batches</h2>
        {detail.batches.length === 0 ? (
          <p className="help">No batch has been written{active ? " yet" : ""}.</p>
        ) : (
          <div className="table-scroll">
            <table className="stack">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">File</th>
                  <th scope="col">Messages</th>
                  <th scope="col">Files</th>
                  <th scope="col">Size</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">Download</th>
                </tr>
              </thead>
              <tbody>
                {detail.batches.map((b) => (
                  <tr key={b.number} data-batch={b.number}>
                    <td data-label="#">{b.number}</td>
                    <td data-label="File" className="mono mono-break">
                      {b.fileName}
                    </td>
                    <td data-label="Messages">{b.messages.toLocaleString("en")}</td>
                    <td data-label="Files">{b.files.toLocaleString("en")}</td>
                    <td data-label="Size" className="nowrap">
                      {formatBytes(b.size)}
                    </td>
                    <td data-label="SHA-256" className="mono mono-break small-text">
                      {b.sha256 || "—"}
                    </td>
                    <td data-label="Download">
                      {downloadable ? (
                        <a
                          href={`/api/v1/exports/${job.id}/download?batch=${b.number}`}
                          download
                          aria-label={`Download batch ${b.number}`}
                        >
                          Download
                        </a>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {detail.warnings.length > 0 && (
        <section className="card" aria-labelledby="warnings-heading">
          <h2 id="warnings-heading">Warnings (warning.txt)</h2>
          {detail.warnings.map((w) => (
            <div key={w.batch}>
              <h3>
                Batch {w.batch} <span className="mono muted">{w.fileName}</span>
              </h3>
              {w.missing ? (
                <p className="help">The batch file is no longer in the export store.</p>
              ) : (
                <pre
                  className="scroll-box mono"
                  tabIndex={0}
                  aria-label={`Warnings of batch ${w.batch}`}
                >
                  {w.lines.join("\n")}
                  {w.truncated ? "\n… (truncated; download the batch for the full file)" : ""}
                </pre>
              )}
            </div>
          ))}
        </section>
      )}

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Status history</h2>
        {detail.history.length === 0 ? (
          <p className="help">No status change is recorded in the audit log for this job.</p>
        ) : (
          <div className="table-scroll">
            <table className="stack">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Change</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {detail.history.map((h, i) => (
                  <tr key={i} data-event={h.event}>
                    <td data-label="When">
                      <RelativeTime ms={h.at} />
                    </td>
                    <td data-label="Event">
                      {EVENT_LABEL[h.event] ?? h.event}
                      {h.outcome === "fail" ? " (refused)" : ""}
                    </td>
                    <td data-label="Change">
                      {h.from && h.to
                        ? `${STATUS_LABEL[h.from] ?? h.from} → ${STATUS_LABEL[h.to] ?? h.to}`
                        : (STATUS_LABEL[h.to] ?? (h.to || "—"))}
                      {h.error && <div className="status-error small-text">{h.error}</div>}
                    </td>
                    <td data-label="By" className="mono-break">
                      {h.by}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <JobLegalHoldSlot
        job={job}
        canHold={canHold}
        actions={
          actions.hold && actions.release
            ? { hold: actions.hold, release: actions.release }
            : undefined
        }
      />
    </>
  );
}
