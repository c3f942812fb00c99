// A worker in its own process, for crash, race and zombie tests:
//   node --import tsx lib/testing/export-worker-child.ts
// Environment: DATABASE_URL, CUSTODIAN_DATA_DIR (as the parent test's), WORKER_ID, LEASE_MS,
// optional SLOW_MS (sleep after each committed batch from batch SLOW_FROM_BATCH on, default 1, so
// the parent can kill or stop it mid-export),
// optional JOB_ID (claim only that job), optional CRASH_ON_POST (the process kills itself with
// SIGKILL whenever it renders a batch holding that post: a poison pill that takes the worker down), optional WAIT_FOR_GO=1 (print "ready", then wait for a
// line on stdin before the first claim: a start barrier for racing workers).
// It claims and works jobs (claimNextJob + runJob) until none is runnable, printing one JSON line
// per event on stdout: {"event":"ready"}, {"event":"claimed","jobId","epoch","attempts"},
// {"event":"batch","n"}, {"event":"finished","jobId","status"}, {"event":"idle"}, {"event":"error","message"}.
// Optional STALL_AFTER_CLAIM=1: claim, print "claimed", then wait forever (a worker that dies before
// writing anything, for the parent to kill).
// Optional KILL_AT_LEDGER_SENT=n: the process SIGKILLs itself when the delivery ledger is about to
// record the n-th email the archive accepted (after its 250, before the ledger commit).

import { once } from "node:events";
import { claimNextJob } from "../jobs/claim-job.ts";
import { runJob } from "../worker/run-job.ts";
import { db, disconnectDb, type Db } from "../db/client.ts";

function emit(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...event, pid: process.pid, at: Date.now() }) + "\n");
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Swaps the process's Prisma client for one that dies at the n-th "sent" mark of the delivery ledger. */
function killAtLedgerSent(n: number): void {
  const g = globalThis as unknown as { custodianDb?: { url: string; client: Db } };
  db();
  const original = g.custodianDb!;
  let seen = 0;
  const client = original.client.$extends({
    query: {
      deliveryLedger: {
        async update({ args, query }) {
          if ((args.data as { status?: string }).status === "sent" && ++seen === n)
            process.kill(process.pid, "SIGKILL");
          return query(args);
        },
      },
    },
  }) as unknown as Db;
  g.custodianDb = { url: original.url, client };
}

async function main(): Promise<void> {
  const workerId = process.env.WORKER_ID ?? `child-${process.pid}`;
  const leaseMs = Number(process.env.LEASE_MS ?? "30000");
  const slowMs = Number(process.env.SLOW_MS ?? "0");
  const slowFrom = Number(process.env.SLOW_FROM_BATCH ?? "1");
  const jobId = process.env.JOB_ID || undefined;
  const crashOn = process.env.CRASH_ON_POST || undefined;
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is required");

  const killAt = Number(process.env.KILL_AT_LEDGER_SENT ?? "0");
  if (killAt > 0) killAtLedgerSent(killAt);
  // Connect before the barrier so racing workers start claiming at the same moment.
  await db().exportJob.count();
  if (process.env.WAIT_FOR_GO === "1") {
    emit({ event: "ready" });
    process.stdin.setEncoding("utf8");
    await once(process.stdin, "data");
    process.stdin.pause();
  }

  for (;;) {
    const claimed = await claimNextJob({ workerId, leaseMs, jobId });
    if (!claimed) break;
    emit({ event: "claimed", jobId: claimed.id, epoch: claimed.epoch, attempts: claimed.attempts });
    if (process.env.STALL_AFTER_CLAIM === "1")
      await new Promise(() => setInterval(() => {}, 60_000));
    const status = await runJob({
      claimed,
      workerId,
      leaseMs,
      hooks: {
        wrapWriter: crashOn
          ? (writer) => async (o) => {
              if (o.batch.posts.some((p) => p.id === crashOn)) process.kill(process.pid, "SIGKILL");
              return writer(o);
            }
          : undefined,
        afterBatch: async (n) => {
          emit({ event: "batch", jobId: claimed.id, n });
          if (slowMs > 0 && n >= slowFrom) await sleep(slowMs);
        },
      },
    });
    emit({ event: "finished", jobId: claimed.id, status });
    if (status === "lease_lost" || status === "pending") break;
  }
  emit({ event: "idle" });
}

main()
  .catch((error: unknown) => {
    emit({
      event: "error",
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exitCode = 1;
  })
  .finally(async () => {
    await disconnectDb().catch(() => {});
  });
