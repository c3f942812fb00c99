"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { JobView } from "@/lib/jobs/job-view.ts";
import { SELECT_MODE_LABELS, SELECT_MODES } from "@/lib/jobs/job-request.ts";
import {
  REQUEST_FORMATS,
  requestStatusLabel,
  ZExportRequestInput,
  type TExportRequestInput,
} from "@/lib/requests/schema.ts";
import type { RequestView } from "@/lib/requests/list-export-requests.ts";
import { EXPORT_FORMAT_LABELS, type ExportFormat } from "@/lib/settings/schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import Link from "next/link";
import { shortId } from "@/components/jobs/job-labels.ts";
import { DownloadLink } from "@/components/ui/download-link.tsx";
import { plural } from "@/components/ui/format.ts";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { StatusMessage } from "@/components/ui/status-message.tsx";
import { requestExportAction } from "./actions.ts";

const ACTIVE = new Set(["pending", "in_progress", "cancel_requested"]);

async function fetchRequests(): Promise<RequestView[]> {
  const res = await fetch("/api/v1/jobs?poll=1&trigger=request&limit=100", { cache: "no-store" });
  if (!res.ok) throw new Error(`Could not refresh the requests (${res.status}).`);
  const { jobs } = (await res.json()) as { jobs: JobView[] };
  return jobs
    .filter((j) => j.trigger === "request")
    .map((j) => ({ ...j, requestStatus: requestStatusLabel(j.status, j.expired) }));
}

export function RequestsView({
  initial,
  canRequest,
  canDownload,
}: {
  initial: RequestView[];
  canRequest: boolean;
  canDownload: boolean;
}) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();
  const timeZone =
    typeof Intl !== "undefined" ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
  const form = useForm<TExportRequestInput>({
    resolver: zodResolver(ZExportRequestInput),
    defaultValues: { startDate: "", endDate: "", timeZone, format: "csv", select: "created" },
  });
  const { errors, isSubmitting } = form.formState;
  const { data: requests = initial } = useQuery({
    queryKey: ["requests"],
    queryFn: fetchRequests,
    initialData: initial,
    refetchInterval: (q) => ((q.state.data ?? []).some((r) => ACTIVE.has(r.status)) ? 2000 : false),
  });

  const onSubmit = form.handleSubmit(async (values) => {
    const result = await requestExportAction(values);
    if (!result.ok) {
      for (const [f, m] of Object.entries(result.fieldErrors))
        form.setError(f as keyof TExportRequestInput, { message: m });
      return setStatus({ kind: "error", text: result.message });
    }
    setStatus({
      kind: "ok",
      text: "Request accepted. You will get an email when the export is ready.",
    });
    await queryClient.invalidateQueries({ queryKey: ["requests"] });
  });

  return (
    <>
      {canRequest && (
        <form
          method="post"
          className="card"
          onSubmit={onSubmit}
          noValidate
          aria-label="Request an export"
        >
          <h2 style={{ fontSize: 18, marginTop: 0 }}>Request an export</h2>
          <div className="inline">
            <div className="field">
              <label htmlFor="startDate">From</label>
              <input
                id="startDate"
                type="date"
                aria-invalid={!!errors.startDate}
                aria-describedby="startDate-error"
                {...form.register("startDate")}
              />
              <FieldError id="startDate-error" message={errors.startDate?.message} />
            </div>
            <div className="field">
              <label htmlFor="endDate">To</label>
              <input
                id="endDate"
                type="date"
                aria-invalid={!!errors.endDate}
                aria-describedby="endDate-error"
                {...form.register("endDate")}
              />
              <FieldError id="endDate-error" message={errors.endDate?.message} />
            </div>
            <div className="field">
              <label htmlFor="format">Format</label>
              <select id="format" {...form.register("format")}>
                {REQUEST_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {EXPORT_FORMAT_LABELS[f]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="select">Messages</label>
              <select id="select" aria-describedby="select-help" {...form.register("select")}>
                {SELECT_MODES.map((m) => (
                  <option key={m} value={m}>
                    {SELECT_MODE_LABELS[m]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <input type="hidden" {...form.register("timeZone")} />
          <p className="help">
            Whole days in your time zone ({timeZone}), at most six months, not in the future.
          </p>
          <p className="help" id="select-help">
            Created in range: each message created in these days, with its edits and deletion up to
            now. Changed in range: what changed in these days.
          </p>
          <button type="submit" disabled={isSubmitting}>
            Request export
          </button>
          <StatusMessage status={status} />
        </form>
      )}
      <section className="card" aria-label="Requests">
        <div className="table-scroll">
          <table className="stack">
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col">Range</th>
                <th scope="col">Format</th>
                <th scope="col">Status</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id} data-job-id={r.id} data-request-status={r.requestStatus}>
                  <td data-label="Requested">
                    <RelativeTime ms={r.createdAt} />
                    <div className="muted small-text">{r.initiatedBy}</div>
                  </td>
                  <td data-label="Range" className="small-text">
                    <RelativeTime ms={r.windowStart} /> → <RelativeTime ms={r.windowEnd} />
                    {r.select && (
                      <div className="muted" data-select={r.select}>
                        {SELECT_MODE_LABELS[r.select]}
                      </div>
                    )}
                  </td>
                  <td data-label="Format">
                    {EXPORT_FORMAT_LABELS[r.format as ExportFormat] ?? r.format}
                  </td>
                  <td data-label="Status">
                    <span className={`badge badge-${r.status}`}>{r.requestStatus}</span>{" "}
                    <Link
                      href={`/jobs/${r.id}`}
                      className="mono"
                      aria-label={`Request ${shortId(r.id)} details`}
                    >
                      {shortId(r.id)}
                    </Link>
                    {r.status === "in_progress" && (
                      <div className="progress">
                        <progress
                          max={100}
                          value={r.progress}
                          aria-label={`Request ${shortId(r.id)} progress`}
                        />{" "}
                        <span>
                          {r.progress}% · batch {r.currentBatch}
                        </span>
                      </div>
                    )}
                    <div className="small-text">{plural(r.messages, "message")} exported.</div>
                    {r.error ? <div className="status-error">{r.error}</div> : null}
                  </td>
                  <td data-label="Download" className="small-text">
                    {r.expired ? (
                      "Expired"
                    ) : r.downloadable && canDownload ? (
                      <DownloadLink
                        href={`/api/v1/exports/${r.id}/download`}
                        expiresAt={r.expiresAt}
                      />
                    ) : r.downloadable ? (
                      "Needs the download right"
                    ) : (
                      "Not ready"
                    )}
                  </td>
                </tr>
              ))}
              {requests.length === 0 && (
                <tr>
                  <td colSpan={5} data-label="">
                    No requests yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
