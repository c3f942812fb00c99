import { dailyRunInstant, localDateOf } from "../time/daily-run-instant.ts";
import { loadExportSettings } from "../settings/export-settings-store.ts";

export type NextScheduledRun = { policyId: string; enabled: boolean; at: number | null; dailyRunTime: string; timeZone: string };

/**
 * When each policy runs next. Today only the default policy has a schedule (the Compliance Export
 * page's daily time and zone); when policies get their own schedules (issue 10) this reader returns
 * one entry per policy.
 */
export async function readNextScheduledRuns(options: { now: Date }): Promise<NextScheduledRun[]> {
  const s = await loadExportSettings();
  if (!s.EnableExport) return [{ policyId: "default", enabled: false, at: null, dailyRunTime: s.DailyRunTime, timeZone: s.TimeZone }];
  const now = options.now;
  let at = dailyRunInstant(localDateOf(now, s.TimeZone), s.DailyRunTime, s.TimeZone);
  // Today's slot has passed, or (as the scheduler does) it passed before export was switched on.
  if (at.getTime() <= now.getTime() || at.getTime() < s.ExportFromTimestamp) {
    at = dailyRunInstant(localDateOf(new Date(now.getTime() + 24 * 3600_000), s.TimeZone), s.DailyRunTime, s.TimeZone);
  }
  return [{ policyId: "default", enabled: true, at: at.getTime(), dailyRunTime: s.DailyRunTime, timeZone: s.TimeZone }];
}
