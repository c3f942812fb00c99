import { writeAuditDigests } from "../audit-digest/write-audit-digests.ts";
import { sweepExpiredExports } from "../export/sweep-expired-exports.ts";
import { sweepOrphanPartials } from "../export/sweep-orphan-partials.ts";
import { logger } from "../log/logger.ts";
import { checkMissedSchedule } from "../notifications/check-missed-schedule.ts";
import { notifyFinishedJobs } from "../notifications/notify-finished-jobs.ts";
import { notifyShortDays } from "../notifications/notify-short-days.ts";

/** Background chores beside the job loop: notifications and audit digests every 30 s, short attested days every 10 minutes, the retention sweep and the orphan `.partial` sweep hourly. */
export function startMaintenance(): () => void {
  let ticks = 0;
  const tick = async () => {
    try {
      await notifyFinishedJobs();
      await checkMissedSchedule();
      try {
        await writeAuditDigests();
      } catch (error) {
        logger().error({ err: error }, "audit digest write failed");
      }
      if (ticks % 20 === 0) await notifyShortDays(); // every 10 minutes: each check counts posts per attested day
      if (ticks++ % 120 === 0) {
        await sweepExpiredExports();
        await sweepOrphanPartials();
      }
    } catch (error) {
      logger().error({ err: error }, "maintenance tick failed");
    }
  };
  const timer = setInterval(tick, 30_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
