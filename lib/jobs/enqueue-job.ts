import { randomUUID } from "node:crypto";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import type { ExportFormat } from "../settings/schema.ts";
import type { JobRequest, SelectMode } from "./job-request.ts";
import { defaultTargetFor, type TargetRef } from "../targets/default-target.ts";
import type { JobTrigger } from "./job-status.ts";

export class JobAlreadyActiveError extends UserError {
  constructor(readonly activeJobId: string | undefined) {
    super("An export job is already pending or running; it must finish or be canceled first.", 409);
  }
}

export type EnqueueOptions = {
  trigger: JobTrigger;
  initiatedBy: string;
  initiatedByLabel: string;
  format: ExportFormat;
  policyId?: string;
  /** Scheduled runs: "<policy>:<local date>", unique. */
  dailySlot?: string;
  /** A ranged run [start, end] or an --export-from run (end = when it starts); never moves the daily cursor. */
  window?: { start: number; end?: number };
  /** How the window selects posts (default: changed in it). */
  select?: SelectMode;
  /** Export the policy's quarantined posts again; never moves the daily cursor. */
  onlyQuarantined?: boolean;
  /** Where the export goes; by default the format's usual place (defaultTargetFor). */
  target?: TargetRef;
  maxAttempts?: number;
};

/**
 * Creates a pending export job. Jobs that continue the daily cursor hold the policy's activeSlot
 * while pending or running, so two "Run now" clicks (or a click and the scheduler) make one job.
 */
export async function enqueueExportJob(options: EnqueueOptions) {
  const policyId = options.policyId ?? "default";
  const movesCursor = !options.window && !options.onlyQuarantined;
  const target = options.target ?? (await defaultTargetFor(options.format));
  const request: JobRequest = {
    format: options.format,
    ...(options.window
      ? { window: options.window, ...(options.select ? { select: options.select } : {}) }
      : {}),
    ...(options.onlyQuarantined ? { onlyQuarantined: true as const } : {}),
  };
  try {
    return await db().exportJob.create({
      data: {
        id: randomUUID(),
        policyId,
        trigger: options.trigger,
        initiatedBy: options.initiatedBy,
        initiatedByLabel: options.initiatedByLabel,
        status: "pending",
        format: options.format,
        dailySlot: options.dailySlot ?? null,
        activeSlot: movesCursor ? policyId : null,
        movesCursor,
        data: JSON.stringify(request),
        targetId: target.id,
        targetFamily: target.family,
        maxAttempts: options.maxAttempts ?? 3,
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      const target = JSON.stringify((error as { meta?: unknown }).meta ?? "");
      if (options.dailySlot && target.includes("dailySlot"))
        throw new DailySlotTakenError(options.dailySlot);
      const active = await db().exportJob.findFirst({
        where: { activeSlot: policyId },
        select: { id: true },
      });
      if (!active && options.dailySlot) throw new DailySlotTakenError(options.dailySlot);
      throw new JobAlreadyActiveError(active?.id);
    }
    throw error;
  }
}

export class DailySlotTakenError extends Error {
  constructor(readonly slot: string) {
    super(`The daily export for ${slot} was already scheduled.`);
  }
}
