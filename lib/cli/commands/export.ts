import { randomUUID } from "node:crypto";
import os from "node:os";
import { z } from "zod";
import { record } from "../../audit/record.ts";
import { db } from "../../db/client.ts";
import { localExportTarget } from "../../targets/resolve-target.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { createExportJob } from "../../jobs/create-export-job.ts";
import { isActive } from "../../jobs/job-status.ts";
import { ZCreateJobInput } from "../../jobs/schema.ts";
import { runJob } from "../../worker/run-job.ts";
import { defineCommand, type CommandContext } from "../define-command.ts";

export const command = defineCommand({
  name: "export",
  summary: "Create (and with --wait, run) a compliance export job",
  flags: {
    format: { type: "string", value: "F", help: "csv, actiance, globalrelay, globalrelay-zip or json (default: the settings')" },
    "export-from": { type: "string", value: "TIME", help: "export every post changed since TIME" },
    start: { type: "string", value: "TIME", help: "with --end: export the posts changed in that window" },
    end: { type: "string", value: "TIME", help: "the end of the window" },
    wait: { type: "boolean", help: "run the job in this process and print the export directory" },
  },
  schema: z
    .object({ wait: z.boolean().default(false), format: z.string().optional(), exportFrom: z.string().optional(), start: z.string().optional(), end: z.string().optional() })
    .transform(({ wait, ...rest }, ctx) => {
      const job = ZCreateJobInput.safeParse(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
      if (!job.success) {
        for (const issue of job.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
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
    const job = await createExportJob({ input, trigger: "cli", initiatedBy: "", initiatedByLabel: `cli (${os.userInfo().username})` });
    ctx.note(`Created export job ${job.id} (${job.format}).`);
    ctx.out(job.id);
    const audit = { parameters: input, resultingState: { job_id: job.id, status: job.status } };
    if (!wait) return { audit };
    // The creation is audited before the run, which audits its own status changes.
    await record({ eventName: "createJob", status: "success", actor: ctx.actor, objectType: "job", apiPath: ctx.apiPath, ...audit });
    return { exitCode: await waitForJob(job.id, ctx) };
  },
});

async function waitForJob(jobId: string, ctx: CommandContext<unknown>): Promise<number> {
  const workerId = `cli:${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const progress = showProgress(jobId, ctx);
  try {
    for (;;) {
      const row = await db().exportJob.findUniqueOrThrow({ where: { id: jobId } });
      if (!isActive(row.status)) break;
      const claimed = await claimNextJob({ workerId, leaseMs: 30_000, jobId });
      if (claimed) await runJob({ claimed, workerId, leaseMs: 30_000 });
      else await new Promise((r) => setTimeout(r, 1000)); // another worker has it: follow its progress
    }
  } finally {
    await progress.stop();
  }
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: jobId } });
  ctx.note(`Job ${job.id}: ${job.status}; ${job.messagesExported} messages, ${job.filesExported} files, ${job.batchesWritten} batches, ${job.warningCount} warnings.${job.error ? ` Error: ${job.error}` : ""}`);
  if (job.exportDir) ctx.out(localExportTarget().resolve(job.exportDir));
  return job.status === "success" || job.status === "warning" ? 0 : 1;
}

type ProgressRow = { progress: number; messagesExported: number; batchesWritten: number; status: string };

/** A bar on a terminal, else a log line per change; the last state (100 % when done) is always shown. */
function showProgress(jobId: string, ctx: CommandContext<unknown>): { stop: () => Promise<void> } {
  let last = "";
  const render = (row: ProgressRow) => {
    const key = `${row.progress}/${row.batchesWritten}/${row.status}`;
    if (key === last) return;
    last = key;
    if (ctx.terminal.tty) {
      const width = 30;
      const filled = Math.round((row.progress / 100) * width);
      ctx.terminal.setStatus(`[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(row.progress).padStart(3)}%  ${row.messagesExported} messages, ${row.batchesWritten} batches`);
    } else {
      ctx.log.info({ job_id: jobId, progress: row.progress, messages: row.messagesExported, batches: row.batchesWritten, status: row.status }, "export progress");
    }
  };
  const read = () => db().exportJob.findUnique({ where: { id: jobId }, select: { progress: true, messagesExported: true, batchesWritten: true, status: true } }).catch(() => null);
  let polling = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(async () => {
      const row = await read();
      if (row) render(row);
    });
  }, 500);
  return {
    async stop() {
      clearInterval(timer);
      await polling;
      const row = await read();
      if (row) render(row);
      ctx.terminal.keepStatus();
    },
  };
}
