import { db } from "../db/client.ts";
import { hasManifest } from "../export/manifest/manifest-format.ts";
import { writeJobManifest } from "../export/manifest/write-job-manifest.ts";
import type { Logger } from "pino";
import { resolveTarget } from "../targets/resolve-target.ts";

/**
 * What a job leaves behind before it is marked finished (issue 15 items 7–9): no `.partial` file in
 * its directory, and the signed, chained manifest when the job has one (every successful job; an
 * errored or canceled one when it left batches). A successful job's manifest must be written —
 * an error here keeps the job from becoming success, and its resume writes the manifest again;
 * for a failed job both are best effort (logged; `verify --repair` writes a missing manifest later).
 */
export async function finishJobEvidence(options: {
  jobId: string;
  status: string;
  finishedAt: Date;
  log: Pick<Logger, "error" | "warn">;
}): Promise<void> {
  const job = await db().exportJob.findUniqueOrThrow({
    where: { id: options.jobId },
    select: { exportDir: true, targetId: true, batchesWritten: true },
  });
  if (!job.exportDir) return;
  const succeeded = options.status === "success" || options.status === "warning";
  try {
    const target = await resolveTarget(job.targetId);
    if (target.family === "files") await target.removePartials(job.exportDir);
  } catch (error) {
    options.log.warn(
      { err: error },
      "could not remove the job's unfinished files; the maintenance sweep retries",
    );
  }
  if (!hasManifest(options.status, job.batchesWritten)) return;
  try {
    await writeJobManifest({ jobId: options.jobId, finishedAt: options.finishedAt });
  } catch (error) {
    if (succeeded) throw new ManifestNotWrittenError(error);
    options.log.error({ err: error }, "export manifest not written");
  }
}

/** A successful export's manifest could not be written: the job stays unfinished and is resumed later. */
export class ManifestNotWrittenError extends Error {
  constructor(readonly reason: unknown) {
    super(
      `The export's manifest could not be written: ${reason instanceof Error ? reason.message : String(reason)}`,
      { cause: reason },
    );
    this.name = "ManifestNotWrittenError";
  }
}
