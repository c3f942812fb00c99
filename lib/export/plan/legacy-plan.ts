import { emptyTally } from "../reconciliation/tally.ts";
import { writerFormatOf, type ExportPlan } from "./export-plan.ts";
import { EXPORT_FORMATS, type ExportFormat } from "../../settings/schema.ts";

/**
 * A job started before plans existed keeps its window in Mattermost's job-data keys: rebuild its
 * plan from them so it resumes where it stopped instead of starting over. Null for any other job.
 */
export function legacyPlan(job: {
  policyId: string;
  data: string;
  targetId: string;
  movesCursor: boolean;
}): ExportPlan | null {
  let d: Record<string, string>;
  try {
    d = JSON.parse(job.data) as Record<string, string>;
  } catch {
    return null;
  }
  if (d.job_end_time === undefined || !d.export_dir) return null;
  const format = (EXPORT_FORMATS as readonly string[]).includes(d.export_type ?? "")
    ? (d.export_type as ExportFormat)
    : "actiance";
  const n = (v: string | undefined) => Number(v ?? "0");
  const start = n(d.job_start_time);
  const end = n(d.job_end_time);
  return {
    version: 1,
    policyId: job.policyId,
    format: writerFormatOf(format),
    targetId: job.targetId,
    scope: null,
    // Such a job only ever saw the rows written before the change feed, all stamped 1.
    selection: job.movesCursor
      ? {
          kind: "feed",
          feedFrom: 0,
          feedTo: 1,
          regions: [],
          frontier: { updateAt: start, postId: d.job_start_id ?? "" },
          exportFrom: 0,
        }
      : { kind: "window", select: "changed", start, end, feedTo: 1 },
    lateWindow: null,
    jobStartTime: start,
    jobEndTime: end,
    exportDir: d.export_dir,
    batchSize: n(d.batch_size) || 10000,
    exportAttachments: d.export_attachments !== "false",
    decryptAttachments: true,
    timeZone: d.time_zone ?? "UTC",
    lateWarningMs: 24 * 3_600_000,
    expected: n(d.total_posts_expected),
    progress: {
      phase: "normal",
      cursor: { updateAt: n(d.batch_start_time), postId: d.batch_start_id ?? "" },
      batches: n(d.job_batch_number),
      messages: n(d.messages_exported),
      files: n(d.files_exported),
      warnings: 0,
      emailsDelivered: n(d.emails_delivered),
      late: { count: 0, oldest: null },
      tally: emptyTally(),
    },
  };
}
