import { dailyRunInstant } from "../time/daily-run-instant.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { jobEvents } from "../jobs/job-events.ts";
import type { SelectMode } from "../jobs/job-request.ts";
import type { ExportFormat } from "../settings/schema.ts";

/** Local midnight of a YYYY-MM-DD date in a zone (DST-safe). */
function localMidnight(date: string, timeZone: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return dailyRunInstant({ year, month, day }, "00:00", timeZone).getTime();
}

function nextDate(date: string): string {
  const t = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000);
  return t.toISOString().slice(0, 10);
}

/**
 * An admin's request for a date range: a job over [start of the first day, end of the last day]
 * (or now, for today), in the requester's time zone, selecting by default the messages created in
 * it with all their versions up to now. It never moves the daily cursor.
 */
export async function createExportRequest(options: {
  startDate: string;
  endDate: string;
  timeZone: string;
  format: ExportFormat;
  select?: SelectMode;
  requesterId: string;
  requesterEmail: string;
  now?: Date;
}) {
  const now = (options.now ?? new Date()).getTime();
  const start = localMidnight(options.startDate, options.timeZone);
  const end = Math.min(now, localMidnight(nextDate(options.endDate), options.timeZone) - 1);
  const job = await enqueueExportJob({
    trigger: "request",
    initiatedBy: options.requesterId,
    initiatedByLabel: options.requesterEmail,
    format: options.format,
    window: { start, end },
    select: options.select ?? "created",
  });
  jobEvents.emit("enqueued");
  return job;
}
