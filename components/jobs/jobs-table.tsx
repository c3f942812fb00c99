"use client";

import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { JobListRow, JobsPage } from "@/lib/jobs/list-jobs-page.ts";
import { JOB_STATUSES, JOB_TRIGGERS } from "@/lib/jobs/job-status.ts";
import { EXPORT_FORMATS } from "@/lib/settings/schema.ts";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { DownloadLink } from "@/components/ui/download-link.tsx";
import { formatBytes, plural } from "@/components/ui/format.ts";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import type { Status } from "@/components/ui/status-message.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import { formatDuration } from "./format-time.ts";
import {
  DEFAULT_FILTERS,
  formatLabel,
  shortId,
  startedBy,
  STATUS_LABEL,
  TRIGGER_LABEL,
} from "./job-labels.ts";
import { JobStatusBadge } from "./job-status-badge.tsx";
import { useJobsQuery } from "./use-jobs-query.ts";
import type { JobFilters } from "./job-labels.ts";

type Result<T> =
  { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string> };
type Props = {
  initialPage: JobsPage;
  canRun: boolean;
  canDownload: boolean;
  runNow?: (input: Record<string, never>) => Promise<Result<{ jobId: string }>>;
  runFrom?: (input: { exportFrom: number }) => Promise<Result<{ jobId: string }>>;
  cancel: (input: { jobId: string }) => Promise<Result<unknown>>;
  heading?: string;
};

const COLUMNS: Array<{ key?: JobFilters["sort"]; label: string }> = [
  { key: "status", label: "Status" },
  { key: "createdAt", label: "Started" },
  { key: "format", label: "Format" },
  { label: "Window" },
  { key: "messages", label: "Exported" },
  { label: "Files" },
];

/** The live job table: filters, server-side sort and paging, progress while running, cancel, downloads. */
export function JobsTable(props: Props) {
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const notify = useToast();
  const [filters, setFilters] = useState<JobFilters>(DEFAULT_FILTERS);
  // Keyset paging: the `before` of every page seen on the way down, so "Newer" can go back up.
  const [trail, setTrail] = useState<Array<string | undefined>>([]);
  const [busy, setBusy] = useState<"now" | "from" | null>(null);
  const [exportFrom, setExportFrom] = useState("");
  const isDefault = JSON.stringify(filters) === JSON.stringify(DEFAULT_FILTERS);
  const {
    data = props.initialPage,
    error,
    isFetching,
  } = useJobsQuery(filters, isDefault ? props.initialPage : undefined);
  const jobs = data.jobs;
  const pages = Math.max(1, Math.ceil(data.total / filters.limit));
  const pageNumber = trail.length + 1;

  const set = (patch: Partial<JobFilters>) => {
    setTrail([]);
    setFilters((f) => ({ ...f, before: undefined, ...patch }));
  };
  const sortBy = (key: JobFilters["sort"]) =>
    set({ sort: key, order: filters.sort === key && filters.order === "desc" ? "asc" : "desc" });
  const older = () => {
    if (!data.next) return;
    setTrail((t) => [...t, filters.before]);
    setFilters((f) => ({ ...f, before: data.next ?? undefined }));
  };
  const newer = () => {
    setTrail((t) => t.slice(0, -1));
    setFilters((f) => ({ ...f, before: trail[trail.length - 1] }));
  };
  // Row and header actions answer with a toast (one message; the table itself shows the new job).
  const report = (s: Status) => notify(s.kind, s.text);
  const start = async (kind: "now" | "from", call: () => Promise<Result<{ jobId: string }>>) => {
    setBusy(kind);
    try {
      const result = await call();
      // A refused field (a time in the future) says what is wrong rather than "some values are not valid".
      report(
        result.ok
          ? { kind: "ok", text: "The export job was created." }
          : { kind: "error", text: Object.values(result.fieldErrors ?? {})[0] ?? result.message },
      );
    } catch {
      report({
        kind: "error",
        text: "The server could not be reached; no job was created. Try again.",
      });
    } finally {
      setBusy(null);
      await queryClient.invalidateQueries({ queryKey: ["jobs"] });
    }
  };
  const runFrom = () => {
    const ms = new Date(exportFrom).getTime();
    if (!exportFrom || Number.isNaN(ms))
      return report({ kind: "error", text: "Choose the date and time to export from." });
    return start("from", () => props.runFrom!({ exportFrom: ms }));
  };
  const cancel = async (job: JobListRow) => {
    const ok = await confirm({
      title: "Cancel this export?",
      description: `Job ${shortId(job.id)} (${formatLabel(job.format)}) stops after the batch it is writing. Finished batches are kept and the next run continues after them.`,
      confirmLabel: "Cancel export",
      cancelLabel: "Keep running",
      destructive: true,
    });
    if (!ok) return;
    try {
      const result = await props.cancel({ jobId: job.id });
      report(
        result.ok
          ? { kind: "ok", text: `Cancel requested for job ${shortId(job.id)}.` }
          : { kind: "error", text: result.message },
      );
    } catch {
      report({ kind: "error", text: "The server could not be reached; the job was not canceled." });
    }
    await queryClient.invalidateQueries({ queryKey: ["jobs"] });
  };

  return (
    <section className="card" aria-labelledby="jobs-heading">
      <div className="page-header">
        <h2 id="jobs-heading" style={{ margin: 0 }}>
          {props.heading ?? "Export jobs"}
        </h2>
        {props.canRun && props.runNow && (
          <button
            type="button"
            onClick={() => start("now", () => props.runNow!({}))}
            disabled={busy !== null}
            aria-busy={busy === "now" || undefined}
          >
            {busy === "now" ? "Starting…" : "Run Compliance Export Now"}
          </button>
        )}
      </div>
      {props.canRun && props.runFrom && (
        <div className="filters" role="group" aria-label="One-off export from a past moment">
          <div className="field">
            <label id="export-from-label" htmlFor="export-from">
              Export from…
            </label>
            <input
              id="export-from"
              type="datetime-local"
              value={exportFrom}
              max={localInputValue(Date.now())}
              onChange={(e) => setExportFrom(e.target.value)}
              aria-describedby="export-from-help"
            />
          </div>
          <button
            type="button"
            className="secondary"
            onClick={runFrom}
            disabled={busy !== null}
            aria-busy={busy === "from" || undefined}
          >
            {busy === "from" ? "Starting…" : "Export from this time"}
          </button>
          <p className="help" id="export-from-help" style={{ flexBasis: "100%", margin: 0 }}>
            A one-off run of everything changed since that moment (your time zone), up to now. It
            does not move the daily export&apos;s position.
          </p>
        </div>
      )}
      {error && (
        <p role="alert" className="status-error">
          {(error as Error).message}
        </p>
      )}

      <div className="filters" role="group" aria-label="Filter the jobs">
        <Select
          id="filter-status"
          label="Status"
          value={filters.status}
          onChange={(v) => set({ status: v })}
          options={JOB_STATUSES.map((s) => [s, STATUS_LABEL[s] ?? s])}
        />
        <Select
          id="filter-format"
          label="Format"
          value={filters.format}
          onChange={(v) => set({ format: v })}
          options={EXPORT_FORMATS.map((f) => [f, formatLabel(f)])}
        />
        <Select
          id="filter-trigger"
          label="Started by"
          value={filters.trigger}
          onChange={(v) => set({ trigger: v })}
          options={JOB_TRIGGERS.map((t) => [t, TRIGGER_LABEL[t] ?? t])}
        />
        {data.policies.length > 1 && (
          <Select
            id="filter-policy"
            label="Policy"
            value={filters.policyId}
            onChange={(v) => set({ policyId: v })}
            options={data.policies.map((p) => [p, data.policyNames[p] ?? p])}
          />
        )}
        <span className="muted" aria-live="polite" style={{ fontSize: 13 }}>
          {isFetching ? "Refreshing…" : ""}
        </span>
      </div>

      {jobs.length === 0 ? (
        <p className="help">
          {isDefault ? "No export has run yet." : "No job matches these filters."}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="stack jobs-table" aria-describedby="jobs-heading">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    scope="col"
                    key={c.label}
                    aria-sort={
                      c.key && filters.sort === c.key
                        ? filters.order === "asc"
                          ? "ascending"
                          : "descending"
                        : undefined
                    }
                  >
                    {c.key ? (
                      <button type="button" className="sort" onClick={() => sortBy(c.key!)}>
                        {c.label}
                        <span aria-hidden="true">
                          {filters.sort === c.key ? (filters.order === "asc" ? " ▲" : " ▼") : ""}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <JobRow
                  key={job.id}
                  job={job}
                  canRun={props.canRun}
                  canDownload={props.canDownload}
                  onCancel={() => cancel(job)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Job pages">
        <button
          type="button"
          className="secondary small"
          disabled={trail.length === 0}
          onClick={newer}
        >
          {filters.order === "desc" && filters.sort === "createdAt" ? "Newer" : "Previous"}
        </button>
        <span>
          Page {pageNumber} of {pages} · {plural(data.total, "job")}
        </span>
        <button type="button" className="secondary small" disabled={!data.next} onClick={older}>
          {filters.order === "desc" && filters.sort === "createdAt" ? "Older" : "Next"}
        </button>
      </nav>
    </section>
  );
}

function JobRow({
  job,
  canRun,
  canDownload,
  onCancel,
}: {
  job: JobListRow;
  canRun: boolean;
  canDownload: boolean;
  onCancel: () => void;
}) {
  const running = job.status === "in_progress";
  return (
    <tr data-job-id={job.id} data-status={job.status}>
      <td data-label="Status">
        <div>
          <JobStatusBadge status={job.status} />{" "}
          <Link
            href={`/jobs/${job.id}`}
            className="mono"
            aria-label={`Job ${shortId(job.id)} details`}
          >
            {shortId(job.id)}
          </Link>
        </div>
        {running && (
          <div className="progress">
            <progress
              max={100}
              value={job.progress}
              aria-label={`Job ${shortId(job.id)} progress`}
            />{" "}
            <span>
              {job.progress}% · batch {job.currentBatch}
            </span>
          </div>
        )}
        {canRun && (job.status === "pending" || running) && (
          <button type="button" className="link" onClick={onCancel}>
            Cancel
          </button>
        )}
      </td>
      <td data-label="Started">
        <RelativeTime ms={job.createdAt} />
        <div className="muted small-text">{startedBy(job)}</div>
      </td>
      <td data-label="Format">
        {formatLabel(job.format)}
        <div className="muted small-text" title="Target">
          → {job.targetName}
        </div>
        {job.policyId !== "default" && (
          <div className="muted small-text" title="Policy">
            Policy {job.policyName}
          </div>
        )}
      </td>
      <td data-label="Window" className="small-text">
        {job.windowStart !== null ? (
          <>
            <RelativeTime ms={job.windowStart} /> →{" "}
            {job.windowEnd !== null ? <RelativeTime ms={job.windowEnd} /> : "now"}
          </>
        ) : (
          "—"
        )}
        {job.durationMs !== null && (
          <div className="muted">took {formatDuration(job.durationMs)}</div>
        )}
      </td>
      <td data-label="Exported" className="small-text">
        <div>{plural(job.messages, "message")} exported.</div>
        {job.files > 0 && <div>{plural(job.files, "file")} exported.</div>}
        {job.delivered !== null && <div>{plural(job.delivered, "email")} delivered.</div>}
        {job.warnings > 0 && (
          <div className="warn-text">{plural(job.warnings, "warning")}, see warning.txt.</div>
        )}
        {job.error && <div className="status-error">{job.error}</div>}
      </td>
      <td data-label="Files" className="small-text">
        {job.expired ? (
          <span className="muted">Expired</span>
        ) : job.downloadable && canDownload ? (
          <DownloadLink
            href={`/api/v1/exports/${job.id}/download`}
            size={job.size}
            expiresAt={job.expiresAt}
          />
        ) : job.downloadable ? (
          <span className="muted">{formatBytes(job.size)}</span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

function Select(props: {
  id: string;
  label: string;
  value?: string;
  onChange: (v: string | undefined) => void;
  options: Array<readonly [string, string]>;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value ?? ""}
        onChange={(e) => props.onChange(e.target.value || undefined)}
      >
        <option value="">All</option>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The value a datetime-local input uses for an instant, in the viewer's zone. */
function localInputValue(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
