import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { componentActor } from "../../audit/actor.ts";
import { record } from "../../audit/record.ts";
import { db } from "../../db/client.ts";
import { exportStore } from "../../delivery/export-store.ts";
import { fieldErrorsOf, UserError } from "../../errors/user-error.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { createExportJob } from "../../jobs/create-export-job.ts";
import { isActive } from "../../jobs/job-status.ts";
import { ZCreateJobInput } from "../../jobs/schema.ts";
import { workJob } from "../../jobs/work-job.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";

const USAGE = `Usage: npm run cli -- export [--format csv|actiance|globalrelay|globalrelay-zip|json]
                              [--export-from <ms|ISO>] [--start <ms|ISO> --end <ms|ISO>] [--wait]

Creates an export job. Without a window it continues the daily cursor (the export must be enabled);
--export-from exports every post changed since then, --start/--end that window; neither moves the
daily cursor, and both work whether or not the daily export is enabled. Times are epoch
milliseconds or ISO 8601 (2026-01-31T00:00:00Z). --wait also runs the job in this process (no
server needed), shows progress on a terminal and prints the export directory as the last line.`;

export const command: CliCommand = {
  summary: "Create (and with --wait, run) a compliance export job",
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { format: { type: "string" }, "export-from": { type: "string" }, start: { type: "string" }, end: { type: "string" }, wait: { type: "boolean", default: false } },
      strict: true,
    });
    const raw = { format: values.format, exportFrom: values["export-from"], start: values.start, end: values.end };
    const parsed = ZCreateJobInput.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
    if (!parsed.success) {
      const flag = (k: string) => ({ exportFrom: "--export-from", start: "--start", end: "--end", format: "--format" })[k] ?? k;
      throw new CliUsageError(Object.entries(fieldErrorsOf(parsed.error.issues)).map(([k, m]) => `${flag(k)}: ${m}`).join("\n"));
    }
    const actor = componentActor("cli");
    let job;
    try {
      job = await createExportJob({ input: parsed.data, trigger: "cli", initiatedBy: "", initiatedByLabel: `cli (${os.userInfo().username})` });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      await record({ eventName: "createJob", status: "fail", actor, objectType: "job", apiPath: "cli:export", parameters: parsed.data, error: { description: error.message, status_code: error.status } });
      console.error(`error: ${error.message}`);
      return 1;
    }
    await record({ eventName: "createJob", status: "success", actor, objectType: "job", apiPath: "cli:export", parameters: parsed.data, resultingState: { job_id: job.id, status: job.status } });
    console.log(`Created export job ${job.id} (${job.format}).`);
    if (!values.wait) return 0;
    return waitForJob(job.id);
  },
};

async function waitForJob(jobId: string): Promise<number> {
  const workerId = `cli:${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const stopProgress = showProgress(jobId);
  try {
    for (;;) {
      const row = await db().exportJob.findUniqueOrThrow({ where: { id: jobId } });
      if (!isActive(row.status)) break;
      const claimed = await claimNextJob({ workerId, leaseMs: 30_000, jobId });
      if (claimed) await workJob({ claimed, workerId, leaseMs: 30_000 });
      else await new Promise((r) => setTimeout(r, 1000)); // another worker has it: follow its progress
    }
  } finally {
    stopProgress();
  }
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: jobId } });
  console.log(`Job ${job.id}: ${job.status}; ${job.messagesExported} messages, ${job.filesExported} files, ${job.batchesWritten} batches, ${job.warningCount} warnings.${job.error ? ` Error: ${job.error}` : ""}`);
  if (job.exportDir) console.log(exportStore().resolve(job.exportDir));
  return job.status === "success" || job.status === "warning" ? 0 : 1;
}

function showProgress(jobId: string): () => void {
  if (!process.stderr.isTTY) return () => {};
  const timer = setInterval(async () => {
    const row = await db().exportJob.findUnique({ where: { id: jobId }, select: { progress: true, messagesExported: true, batchesWritten: true, status: true } }).catch(() => null);
    if (!row) return;
    const width = 30;
    const filled = Math.round((row.progress / 100) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(row.progress).padStart(3)}%  ${row.messagesExported} messages, ${row.batchesWritten} batches  `);
  }, 500);
  return () => {
    clearInterval(timer);
    process.stderr.write("\n");
  };
}
