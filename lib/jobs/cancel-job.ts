import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";

/**
 * Asks a job to stop. A pending job is canceled at once; a running one is marked cancel_requested
 * and its worker stops between batches (the batches already written stay, and the cursor has moved
 * past them, so the next run starts where this one stopped).
 */
export async function cancelJob(options: {
  jobId: string;
  now?: Date;
}): Promise<{ before: string; after: string }> {
  const now = options.now ?? new Date();
  const job = await db().exportJob.findUnique({
    where: { id: options.jobId },
    select: { status: true },
  });
  if (!job) throw new UserError("No such job.", 404);
  if (job.status === "pending") {
    const { count } = await db().exportJob.updateMany({
      where: { id: options.jobId, status: "pending" },
      data: { status: "canceled", activeSlot: null, finishedAt: now, progress: 0 },
    });
    if (count === 1) return { before: "pending", after: "canceled" };
  }
  const { count } = await db().exportJob.updateMany({
    where: { id: options.jobId, status: "in_progress" },
    data: { status: "cancel_requested" },
  });
  if (count === 1) return { before: "in_progress", after: "cancel_requested" };
  const current = await db().exportJob.findUnique({
    where: { id: options.jobId },
    select: { status: true },
  });
  if (current?.status === "cancel_requested")
    return { before: "cancel_requested", after: "cancel_requested" };
  throw new UserError(`The job has already finished (${current?.status ?? "unknown"}).`, 409);
}
