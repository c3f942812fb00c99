import { z } from "zod";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { resolveEvidenceTarget } from "../targets/resolve-target.ts";

export const ZLegalHoldInput = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1, "Give the reason for the hold (a matter, a case number).")
      .max(500, "The reason is at most 500 characters."),
  })
  .strict();
export type TLegalHoldInput = z.output<typeof ZLegalHoldInput>;
/** The console's hold: the job and the reason. */
export const ZLegalHoldRequest = ZLegalHoldInput.extend({
  jobId: z.string().regex(/^[0-9a-f-]{36}$/, "Not a job id."),
}).strict();

export type LegalHoldChange = {
  jobId: string;
  held: boolean;
  reason: string;
  by: string;
  at: number | null;
  /** Objects that got (or lost) an S3 Object Lock legal hold; 0 on other targets. */
  objects: number;
  /** The job was already in the asked state: nothing changed. */
  unchanged: boolean;
};

const ACTIVE = ["pending", "in_progress", "cancel_requested"];

/**
 * Puts a finished export on legal hold, or releases it. A held export never expires: the retention
 * sweep skips it. On an S3 target whose bucket has Object Lock, every object of the export gets an
 * S3 legal hold as well (lifted on release), so not even the bucket's own lifecycle deletes it;
 * that happens first, and a refusal by the bucket changes nothing.
 */
export async function setLegalHold(options: {
  jobId: string;
  hold: boolean;
  reason?: string;
  by: string;
  now?: Date;
}): Promise<LegalHoldChange> {
  const job = await db().exportJob.findUnique({ where: { id: options.jobId } });
  if (!job) throw new UserError("No such export.", 404);
  if (ACTIVE.includes(job.status))
    throw new UserError("The export is still running; put it on hold once it has finished.", 409);
  if (options.hold && job.filesDeletedAt)
    throw new UserError("The export's files were already deleted by the retention sweep.", 410);
  if (options.hold && !options.reason?.trim())
    throw new UserError("Give the reason for the hold.", 400, {
      reason: "Give the reason for the hold.",
    });
  const same = job.legalHold === options.hold;
  if (same && (!options.hold || job.legalHoldReason === options.reason)) {
    return {
      jobId: job.id,
      held: job.legalHold,
      reason: job.legalHoldReason,
      by: job.legalHoldBy,
      at: job.legalHoldAt?.getTime() ?? null,
      objects: 0,
      unchanged: true,
    };
  }
  let objects = 0;
  if (job.exportDir && !job.filesDeletedAt) {
    const target = await resolveEvidenceTarget(job.targetId);
    if (target.setLegalHold) {
      try {
        objects = await target.setLegalHold(job.exportDir, options.hold);
      } catch (error) {
        throw new UserError(
          `The bucket refused the S3 legal hold: ${(error as Error).message}`,
          502,
        );
      }
    }
  }
  const at = options.now ?? new Date();
  const data = options.hold
    ? {
        legalHold: true,
        legalHoldReason: options.reason!.trim(),
        legalHoldBy: options.by,
        legalHoldAt: at,
      }
    : { legalHold: false, legalHoldReason: "", legalHoldBy: "", legalHoldAt: null };
  await db().exportJob.update({ where: { id: job.id }, data });
  return {
    jobId: job.id,
    held: options.hold,
    reason: data.legalHoldReason,
    by: data.legalHoldBy,
    at: options.hold ? at.getTime() : null,
    objects,
    unchanged: false,
  };
}
