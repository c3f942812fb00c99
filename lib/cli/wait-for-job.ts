import { randomUUID } from "node:crypto";
import os from "node:os";
import { db } from "../db/client.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { isActive } from "../jobs/job-status.ts";
import { localExportTarget } from "../targets/resolve-target.ts";
import { runJob } from "../worker/run-job.ts";
import type { CommandContext } from "./define-command.ts";

/**
 * Runs a job in this process (or follows another worker's run of it) to its end, with a progress
 * bar on a terminal; prints the export directory last. Exit code 0 for success or warning, else 1.
 */
export async function waitForJob(jobId: string, ctx: CommandContext<unknown>): Promise<number> {
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
  ctx.note(
    `Job ${job.id}: ${job.status}; ${job.messagesExported} messages, ${job.filesExported} files, ${job.batchesWritten} batches, ${job.warningCount} warnings.${job.error ? ` Error: ${job.error}` : ""}`,
  );
  if (job.exportDir) ctx.out(localExportTarget().resolve(job.exportDir));
  return job.status === "success" || job.status === "warning" ? 0 : 1;
}

type ProgressRow = {
  progress: number;
  messagesExported: number;
  batchesWritten: number;
  status: string;
};

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
      ctx.terminal.setStatus(
        `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(row.progress).padStart(3)}%  ${row.messagesExported} messages, ${row.batchesWritten} batches`,
      );
    } else {
      ctx.log.info(
        {
          job_id: jobId,
          progress: row.progress,
          messages: row.messagesExported,
          batches: row.batchesWritten,
          status: row.status,
        },
        "export progress",
      );
    }
  };
  const read = () =>
    db()
      .exportJob.findUnique({
        where: { id: jobId },
        select: { progress: true, messagesExported: true, batchesWritten: true, status: true },
      })
      .catch(() => null);
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
