import type { JobView } from "@/lib/jobs/job-view.ts";
import { EXPORT_FORMAT_LABELS, type ExportFormat } from "@/lib/settings/schema.ts";

export const STATUS_LABEL: Record<string, string> = {
  pending: "Pending",
  in_progress: "In progress",
  success: "Success",
  warning: "Warning",
  error: "Error",
  cancel_requested: "Cancel requested",
  canceled: "Canceled",
};

export const TRIGGER_LABEL: Record<string, string> = {
  scheduled: "Schedule",
  manual: "Run now",
  api: "API",
  cli: "CLI",
  request: "Request",
};

export const ACTIVE_STATUSES = new Set(["pending", "in_progress", "cancel_requested"]);

export function formatLabel(format: string): string {
  return EXPORT_FORMAT_LABELS[format as ExportFormat] ?? format;
}

/** "Schedule", "Run now · alice@example.com", "CLI · root". */
export function startedBy(job: Pick<JobView, "trigger" | "initiatedBy">): string {
  const how = TRIGGER_LABEL[job.trigger] ?? job.trigger;
  const who =
    job.trigger === "cli" ? job.initiatedBy.replace(/^cli \((.*)\)$/, "$1") : job.initiatedBy;
  return job.trigger === "scheduled" || who === "" ? how : `${how} · ${who}`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** The job table's query (GET /api/v1/jobs): filters, sort, and `before` for keyset paging. */
export type JobFilters = {
  status?: string;
  format?: string;
  trigger?: string;
  policyId?: string;
  sort: "createdAt" | "status" | "format" | "messages";
  order: "asc" | "desc";
  limit: number;
  before?: string;
};

/** The job table's first view (server-rendered with the page, then polled). */
export const DEFAULT_FILTERS: JobFilters = { sort: "createdAt", order: "desc", limit: 20 };
