import type { ExportFormat } from "../settings/schema.ts";

/**
 * A job's data: Mattermost's string-keyed job data (EXPORT-FORMATS.md §7.2) plus Custodian's own
 * keys. Fixed once the job first starts, so a resumed job keeps its window, format and directory
 * even if the settings changed meanwhile.
 */
export type JobData = {
  export_type?: ExportFormat;
  export_dir?: string;
  batch_start_time?: string;
  batch_start_id?: string;
  job_start_time?: string;
  job_end_time?: string;
  job_start_id?: string;
  batch_size?: string;
  job_batch_number?: string;
  total_posts_expected?: string;
  messages_exported?: string;
  warning_count?: string;
  is_downloadable?: string;
  initiated_by?: string;
  progress_message?: string;
  /** Custodian: snapshot of ExportAttachments. */
  export_attachments?: string;
  /** Custodian: the time zone the directory name was written in. */
  time_zone?: string;
  files_exported?: string;
  /** Custodian: emails the archive accepted (Global Relay over SMTP). */
  emails_delivered?: string;
  /** Custodian: an explicit window requested at creation (ranged run / --export-from). */
  requested_start?: string;
  requested_end?: string;
};

export function parseJobData(json: string): JobData {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as JobData) : {};
  } catch {
    return {};
  }
}
