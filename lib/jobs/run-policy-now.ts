import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { findPolicy, type Policy } from "../policies/policy-store.ts";
import type { TargetRef } from "../targets/default-target.ts";
import { enqueueExportJob } from "./enqueue-job.ts";
import { jobEvents } from "./job-events.ts";
import type { JobTrigger } from "./job-status.ts";

/** Where a policy's jobs go: its target, which must exist and be enabled. */
export async function policyTargetRef(policy: Policy): Promise<TargetRef> {
  const target = await db().target.findUnique({
    where: { id: policy.targetId },
    select: { id: true, name: true, kind: true, disabled: true },
  });
  if (!target)
    throw new UserError(
      `The target of the policy "${policy.name}" no longer exists: choose another.`,
      409,
    );
  if (target.disabled)
    throw new UserError(
      `The target "${target.name}" of the policy "${policy.name}" is disabled: enable it on the Targets page or choose another.`,
      409,
    );
  return { id: target.id, family: target.kind === "smtp" ? "mailbox" : "files" };
}

/**
 * "Run now" for a policy (console, API, CLI): a job that continues the policy's cursor, like its
 * schedule's. One at a time per policy: a second while one is pending or running is refused (409).
 */
export async function runPolicyNow(options: {
  policy: string;
  trigger: JobTrigger;
  initiatedBy: string;
  initiatedByLabel: string;
}) {
  const policy = await findPolicy(options.policy);
  if (!policy || policy.archivedAt) throw new UserError("No such export policy.", 404);
  if (!policy.enabled)
    throw new UserError(`The policy "${policy.name}" is disabled. Enable it first.`, 409);
  const job = await enqueueExportJob({
    trigger: options.trigger,
    initiatedBy: options.initiatedBy,
    initiatedByLabel: options.initiatedByLabel,
    format: policy.format,
    policyId: policy.id,
    target: await policyTargetRef(policy),
  });
  jobEvents.emit("enqueued");
  return { job, policy };
}

/** Run now, with what the audit record of the run keeps. */
export async function runPolicy(options: {
  policy: string;
  trigger: JobTrigger;
  initiatedBy: string;
  initiatedByLabel: string;
}) {
  const { job, policy } = await runPolicyNow(options);
  return {
    job,
    audit: {
      parameters: { policy_id: policy.id },
      resultingState: { job_id: job.id, status: job.status, name: policy.name, format: job.format },
    },
  };
}
