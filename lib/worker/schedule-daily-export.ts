import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import { loadExportSettings } from "../settings/export-settings-store.ts";
import { dailyRunInstant, localDateKey, localDateOf, previousDate } from "../time/daily-run-instant.ts";
import { DailySlotTakenError, enqueueExportJob, JobAlreadyActiveError } from "../jobs/enqueue-job.ts";
import { jobEvents } from "../jobs/job-events.ts";

export type ScheduleResult = { created: string | null; reason: string };

/**
 * Creates today's scheduled export once its time has come (or, after downtime, yesterday's if it
 * never ran — only the latest missed day). The daily slot "<policy>:<local date>" is unique in the
 * database, so any number of instances calling this at once create one job.
 */
export async function scheduleDailyExport(options: { now?: Date; policyId?: string } = {}): Promise<ScheduleResult> {
  const now = options.now ?? new Date();
  const policyId = options.policyId ?? "default";
  const settings = await loadExportSettings();
  if (!settings.EnableExport) return { created: null, reason: "export disabled" };
  const today = localDateOf(now, settings.TimeZone);
  const todayRun = dailyRunInstant(today, settings.DailyRunTime, settings.TimeZone);
  let date = today;
  let runAt = todayRun;
  if (now < todayRun) {
    date = previousDate(today);
    runAt = dailyRunInstant(date, settings.DailyRunTime, settings.TimeZone);
  }
  // A slot that passed before the export was first switched on was never missed: enabling at 23:55
  // with a 02:00 run time means tomorrow at 02:00, as in Mattermost.
  if (runAt.getTime() < settings.ExportFromTimestamp) return { created: null, reason: "not due yet" };
  const slot = `${policyId}:${localDateKey(date)}`;
  if (await db().exportJob.findUnique({ where: { dailySlot: slot }, select: { id: true } })) return { created: null, reason: "already scheduled" };
  try {
    const job = await enqueueExportJob({ trigger: "scheduled", initiatedBy: "", initiatedByLabel: "scheduler", format: settings.ExportFormat, policyId, dailySlot: slot });
    await record({ eventName: "createJob", status: "success", actor: componentActor("scheduler"), objectType: "job", apiPath: "scheduler:daily", parameters: { slot, format: settings.ExportFormat, scheduled_for: runAt.toISOString() }, resultingState: { job_id: job.id, status: job.status } });
    jobEvents.emit("enqueued");
    return { created: job.id, reason: "scheduled" };
  } catch (error) {
    if (error instanceof DailySlotTakenError) return { created: null, reason: "already scheduled" };
    if (error instanceof JobAlreadyActiveError) return { created: null, reason: "a job is already pending or running" };
    throw error;
  }
}

/** Checks the schedule every 30 s until stopped. */
export function startScheduler(everyMs = 30_000): () => void {
  const tick = () =>
    scheduleDailyExport().catch((error: unknown) => logger().error({ err: error }, "scheduler tick failed"));
  void tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
