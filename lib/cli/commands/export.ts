import os from "node:os";
import { z } from "zod";
import { record } from "../../audit/record.ts";
import { createExportJob } from "../../jobs/create-export-job.ts";
import { ZCreateJobInput } from "../../jobs/schema.ts";
import { defineCommand } from "../define-command.ts";
import { waitForJob } from "../wait-for-job.ts";

export const command = defineCommand({
  name: "export",
  summary: "Create (and with --wait, run) a compliance export job",
  flags: {
    format: {
      type: "string",
      value: "F",
      help: "csv, actiance, globalrelay, globalrelay-zip or json (default: the settings')",
    },
    "export-from": { type: "string", value: "TIME", help: "export every post changed since TIME" },
    start: {
      type: "string",
      value: "TIME",
      help: "with --end: export the posts changed in that window",
    },
    end: { type: "string", value: "TIME", help: "the end of the window" },
    select: {
      type: "string",
      value: "MODE",
      help: "with --start/--end: changed (default: posts changed in the window) or created (created in it, with all their versions up to now)",
    },
    "only-quarantined": {
      type: "boolean",
      help: "export again the posts earlier runs quarantined (after fixing them); no window",
    },
    wait: { type: "boolean", help: "run the job in this process and print the export directory" },
  },
  schema: z
    .object({
      wait: z.boolean().default(false),
      format: z.string().optional(),
      exportFrom: z.string().optional(),
      start: z.string().optional(),
      end: z.string().optional(),
      select: z.string().optional(),
      onlyQuarantined: z.boolean().optional(),
    })
    .transform(({ wait, ...rest }, ctx) => {
      const job = ZCreateJobInput.safeParse(
        Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      );
      if (!job.success) {
        for (const issue of job.error.issues)
          ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
        return z.NEVER;
      }
      return { wait, job: job.data };
    }),
  details:
    "Without a window it continues the daily cursor (the export must be enabled); --export-from and --start/--end\n" +
    "do not move the daily cursor and work whether or not the daily export is enabled. TIME is epoch\n" +
    "milliseconds or ISO 8601 (2026-01-31T00:00:00Z).\n" +
    "Standard output: the job id; with --wait, then the export directory as the last line. Progress and\n" +
    "logs go to standard error. Exit 1 when the job ends in error or is canceled.",
  audit: { event: "createJob", objectType: "job" },
  async run(ctx) {
    const { wait, job: input } = ctx.input;
    const job = await createExportJob({
      input,
      trigger: "cli",
      initiatedBy: "",
      initiatedByLabel: `cli (${os.userInfo().username})`,
    });
    ctx.note(`Created export job ${job.id} (${job.format}).`);
    ctx.out(job.id);
    const audit = { parameters: input, resultingState: { job_id: job.id, status: job.status } };
    if (!wait) return { audit };
    // The creation is audited before the run, which audits its own status changes.
    await record({
      eventName: "createJob",
      status: "success",
      actor: ctx.actor,
      objectType: "job",
      apiPath: ctx.apiPath,
      ...audit,
    });
    return { exitCode: await waitForJob(job.id, ctx) };
  },
});
