import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import {
  DailySlotTakenError,
  enqueueExportJob,
  JobAlreadyActiveError,
} from "../jobs/enqueue-job.ts";
import { jobEvents } from "../jobs/job-events.ts";
import { policyTargetRef } from "../jobs/run-policy-now.ts";
import { latestSlot } from "../policies/schedule.ts";
import { DEFAULT_POLICY_ID, loadPolicy, type Policy } from "../policies/policy-store.ts";

export type ScheduleResult = { policyId: string; created: string | null; reason: string };

/**
 * Creates the job of a policy's latest slot once its time has come (after downtime only the latest
 * missed slot, never a backlog). The slot key "<policy>:<local date>" (daily, weekly) or
 * "<policy>:<instant>" (every N hours, cron) is unique in the database, so any number of instances
 * calling this at once create one job per slot.
 */
export async function schedulePolicyRun(
  options: { now?: Date; policyId?: string; policy?: Policy } = {},
): Promise<ScheduleResult> {
  const now = options.now ?? new Date();
  const policyId = options.policy?.id ?? options.policyId ?? DEFAULT_POLICY_ID;
  const policy = options.policy ?? (await loadPolicy(policyId));
  if (!policy || policy.archivedAt) return { policyId, created: null, reason: "no such policy" };
  if (!policy.enabled) return { policyId, created: null, reason: "export disabled" };
  const slot = latestSlot(policy.id, policy.schedule, policy.timeZone, now);
  // A slot that passed before the policy was first switched on was never missed: enabling at 23:55
  // with a 02:00 run time means tomorrow at 02:00, as in Mattermost.
  if (!slot || slot.at.getTime() < policy.exportFrom)
    return { policyId, created: null, reason: "not due yet" };
  if (await db().exportJob.findUnique({ where: { dailySlot: slot.key }, select: { id: true } }))
    return { policyId, created: null, reason: "already scheduled" };
  try {
    const job = await enqueueExportJob({
      trigger: "scheduled",
      initiatedBy: "",
      initiatedByLabel: "scheduler",
      format: policy.format,
      policyId: policy.id,
      dailySlot: slot.key,
      target: await policyTargetRef(policy),
    });
    await record({
      eventName: "createJob",
      status: "success",
      actor: componentActor("scheduler"),
      objectType: "job",
      apiPath: "scheduler:policy",
      parameters: {
        slot: slot.key,
        policy_id: policy.id,
        format: policy.format,
        scheduled_for: slot.at.toISOString(),
      },
      resultingState: { job_id: job.id, status: job.status },
    });
    jobEvents.emit("enqueued");
    return { policyId, created: job.id, reason: "scheduled" };
  } catch (error) {
    if (error instanceof DailySlotTakenError)
      return { policyId, created: null, reason: "already scheduled" };
    if (error instanceof JobAlreadyActiveError)
      return { policyId, created: null, reason: "a job is already pending or running" };
    throw error;
  }
}

/** One pass over every enabled policy (the default one included, saved or not). */
export async function schedulePolicyRuns(options: { now?: Date } = {}): Promise<ScheduleResult[]> {
  const rows = await db().exportPolicy.findMany({
    where: { enabled: true, archivedAt: null },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const results: ScheduleResult[] = [];
  for (const { id } of rows) {
    try {
      results.push(await schedulePolicyRun({ now: options.now, policyId: id }));
    } catch (error) {
      // One policy's broken target must not stop the others' schedules.
      logger().error({ err: error, policy_id: id }, "scheduling a policy failed");
      results.push({ policyId: id, created: null, reason: `failed: ${(error as Error).message}` });
    }
  }
  return results;
}

/** Checks the schedules every 30 s until stopped. */
export function startScheduler(everyMs = 30_000): () => void {
  const tick = () =>
    schedulePolicyRuns().catch((error: unknown) =>
      logger().error({ err: error }, "scheduler tick failed"),
    );
  void tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
