import { describeSchedule, nextSlot } from "../policies/schedule.ts";
import { listPolicies } from "../policies/policy-store.ts";

export type NextScheduledRun = {
  policyId: string;
  name?: string;
  enabled: boolean;
  at: number | null;
  dailyRunTime: string;
  timeZone: string;
};

/**
 * When each policy (the default one first) runs next. `dailyRunTime` is the daily or weekly run time,
 * or the schedule's summary ("every 6h", "cron 0 2 * * *") for the others.
 */
export async function readNextScheduledRuns(options: { now: Date }): Promise<NextScheduledRun[]> {
  const out: NextScheduledRun[] = [];
  for (const p of await listPolicies()) {
    const dailyRunTime =
      p.schedule.kind === "daily" || p.schedule.kind === "weekly"
        ? p.schedule.at
        : describeSchedule(p.schedule);
    const base = { policyId: p.id, name: p.name, dailyRunTime, timeZone: p.timeZone };
    if (!p.enabled) {
      out.push({ ...base, enabled: false, at: null });
      continue;
    }
    // As the scheduler does: a slot that passed before the policy was switched on is not a run.
    let slot = nextSlot(p.id, p.schedule, p.timeZone, options.now);
    for (let i = 0; slot && slot.at.getTime() < p.exportFrom && i < 1000; i++)
      slot = nextSlot(p.id, p.schedule, p.timeZone, slot.at);
    out.push({ ...base, enabled: true, at: slot ? slot.at.getTime() : null });
  }
  return out;
}
