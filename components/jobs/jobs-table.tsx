"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { JobView } from "@/lib/jobs/job-view.ts";
import { EXPORT_FORMAT_LABELS, type ExportFormat } from "@/lib/settings/schema.ts";
import { formatDuration, formatTime } from "./format-time.ts";

type Props = {
  initialJobs: JobView[];
  canRun: boolean;
  canDownload: boolean;
  runNow: (input: Record<string, never>) => Promise<{ ok: true; data: { jobId: string } } | { ok: false; message: string }>;
  cancel: (input: { jobId: string }) => Promise<{ ok: true } | { ok: false; message: string }>;
};

const ACTIVE = new Set(["pending", "in_progress", "cancel_requested"]);
const STATUS_LABEL: Record<string, string> = {
  pending: "Pending",
  in_progress: "In progress",
  success: "Success",
  warning: "Warning",
  error: "Error",
  cancel_requested: "Cancel requested",
  canceled: "Canceled",
};

async function fetchJobs(): Promise<JobView[]> {
  const res = await fetch("/api/v1/jobs?poll=1", { cache: "no-store" });
  if (!res.ok) throw new Error(`Could not refresh the jobs (${res.status}).`);
  return ((await res.json()) as { jobs: JobView[] }).jobs;
}

/** The job table under the settings; polls every 2 s while a job is active, and stops when none is. */
export function JobsTable(props: Props) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  const [busy, setBusy] = useState(false);
  const { data: jobs = props.initialJobs, error } = useQuery({
    queryKey: ["jobs"],
    queryFn: fetchJobs,
    initialData: props.initialJobs,
    refetchInterval: (q) => ((q.state.data ?? []).some((j) => ACTIVE.has(j.status)) ? 2000 : false),
  });

  const runNow = async () => {
    setBusy(true);
    setMessage(undefined);
    const result = await props.runNow({});
    setBusy(false);
    setMessage(result.ok ? { kind: "ok", text: "The export job was created." } : { kind: "error", text: result.message });
    await queryClient.invalidateQueries({ queryKey: ["jobs"] });
  };
  const cancel = async (jobId: string) => {
    const result = await props.cancel({ jobId });
    if (!result.ok) setMessage({ kind: "error", text: result.message });
    await queryClient.invalidateQueries({ queryKey: ["jobs"] });
  };

  return (
    <section className="card" aria-labelledby="jobs-heading">
      <div className="inline" style={{ justifyContent: "space-between" }}>
        <h2 id="jobs-heading" style={{ fontSize: 18, margin: 0 }}>Export jobs</h2>
        {props.canRun && (
          <button type="button" onClick={runNow} disabled={busy}>
            {busy ? "Starting…" : "Run Compliance Export Now"}
          </button>
        )}
      </div>
      {message && <p role="status" className={message.kind === "ok" ? "status-ok" : "status-error"}>{message.text}</p>}
      {error && <p role="alert" className="status-error">{(error as Error).message}</p>}
      {jobs.length === 0 ? (
        <p className="help">No export has run yet.</p>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Finish Time</th>
                <th scope="col">Run Time</th>
                <th scope="col">Started by</th>
                <th scope="col">Format</th>
                <th scope="col">Window</th>
                <th scope="col">Details</th>
                <th scope="col">Files</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} data-job-id={job.id} data-status={job.status}>
                  <td>
                    <span className={`job-status job-${job.status}`}>{STATUS_LABEL[job.status] ?? job.status}</span>
                    {job.status === "in_progress" && (
                      <div>
                        <progress max={100} value={job.progress} aria-label={`Progress ${job.progress}%`} />
                      </div>
                    )}
                    {props.canRun && (job.status === "pending" || job.status === "in_progress") && (
                      <div>
                        <button type="button" className="link" onClick={() => cancel(job.id)}>Cancel</button>
                      </div>
                    )}
                  </td>
                  <td>{formatTime(job.createdAt)}</td>
                  <td>{formatTime(job.finishedAt)}</td>
                  <td>{formatDuration(job.durationMs)}</td>
                  <td>{job.trigger === "scheduled" ? "Schedule" : `${job.initiatedBy} (${job.trigger})`}</td>
                  <td>{EXPORT_FORMAT_LABELS[job.format as ExportFormat] ?? job.format}</td>
                  <td className="mono">{job.windowStart !== null && job.windowEnd !== null ? `${formatTime(job.windowStart)} – ${formatTime(job.windowEnd)}` : "—"}</td>
                  <td>
                    <div>{job.messages} messages exported.</div>
                    {job.files > 0 && <div>{job.files} files exported.</div>}
                    {job.delivered !== null && <div>{job.delivered} emails delivered.</div>}
                    {job.warnings > 0 && <div>{job.warnings} warning(s) encountered, see warning.txt for details.</div>}
                    {job.error && <div className="status-error">{job.error}</div>}
                  </td>
                  <td>
                    {job.expired ? (
                      <span>Expired</span>
                    ) : job.downloadable && props.canDownload ? (
                      <>
                        <a href={`/api/v1/exports/${job.id}/download`} download>Download</a>
                        {job.expiresAt && <div className="help">until {formatTime(job.expiresAt)}</div>}
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
