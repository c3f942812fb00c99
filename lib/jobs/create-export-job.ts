import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import { enqueueExportJob } from "./enqueue-job.ts";
import type { JobTrigger } from "./job-status.ts";
import type { TCreateJobInput } from "./schema.ts";
import { jobEvents } from "./job-events.ts";

/**
 * A manual export: "Run now", the API or the CLI. Without a window it continues the daily cursor
 * (and needs the export enabled); with --export-from or start/end it exports that window and leaves
 * the daily cursor alone.
 */
export async function createExportJob(options: {
  input: TCreateJobInput;
  trigger: JobTrigger;
  initiatedBy: string;
  initiatedByLabel: string;
  now?: Date;
}) {
  const settings = await loadExportSettings();
  const { input } = options;
  const window =
    input.start !== undefined && input.end !== undefined
      ? { start: input.start, end: input.end }
      : input.exportFrom !== undefined
        ? { start: input.exportFrom }
        : undefined;
  if (input.onlyQuarantined) {
    const policyId = "default";
    if ((await db().quarantinedPost.count({ where: { policyId, state: "quarantined" } })) === 0)
      throw new UserError("No post is in quarantine: there is nothing to export again.", 409);
  } else if (!window && !settings.EnableExport) {
    throw new UserError(
      "Compliance export is not enabled. Enable it and save, or give a time range to export.",
      409,
    );
  }
  const job = await enqueueExportJob({
    trigger: options.trigger,
    initiatedBy: options.initiatedBy,
    initiatedByLabel: options.initiatedByLabel,
    format: input.format ?? settings.ExportFormat,
    window,
    select: window && input.select ? input.select : undefined,
    onlyQuarantined: input.onlyQuarantined === true,
  });
  jobEvents.emit("enqueued");
  return job;
}
