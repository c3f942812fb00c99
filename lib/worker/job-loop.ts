import { randomUUID } from "node:crypto";
import os from "node:os";
import { claimNextJob } from "../jobs/claim-job.ts";
import { jobEvents } from "../jobs/job-events.ts";
import { logger } from "../log/logger.ts";
import { runJob, WORKER_NAME } from "./run-job.ts";

export type JobLoopOptions = { leaseMs?: number; pollMs?: number; workerId?: string };

/** Claims and works jobs until stopped; a stop lets the current batch finish and hands the job back. */
export function startJobLoop(options: JobLoopOptions = {}): {
  workerId: string;
  stop: () => Promise<void>;
} {
  const workerId =
    options.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 2_000;
  const stopper = new AbortController();
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  jobEvents.on("enqueued", poke);

  const loop = (async () => {
    while (!stopper.signal.aborted) {
      try {
        const claimed = await claimNextJob({ workerId, leaseMs });
        if (claimed) {
          await runJob({ claimed, workerId, leaseMs, stopSignal: stopper.signal });
          continue;
        }
      } catch (error) {
        logger().error({ err: error, worker_name: WORKER_NAME }, "worker loop error");
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stopper.signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        wake = done;
        stopper.signal.addEventListener("abort", done, { once: true });
      });
      wake = undefined;
    }
  })();

  return {
    workerId,
    stop: async () => {
      stopper.abort();
      jobEvents.off("enqueued", poke);
      await loop;
    },
  };
}
