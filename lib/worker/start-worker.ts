import { startJobLoop } from "./job-loop.ts";
import { startScheduler } from "./schedule-policy-runs.ts";
import { WORKER_NAME } from "./run-job.ts";
import { logger } from "../log/logger.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { startMaintenance } from "./start-maintenance.ts";
import { startFileStoreSweep } from "../encryption/sweep-file-store.ts";

const globalForWorker = globalThis as unknown as {
  custodianWorker?: { stop: () => Promise<void> };
};

/**
 * Starts this process's worker once: the job loop (claims export jobs under a lease), the daily
 * scheduler (idempotent across instances), the heartbeat /api/health reads, and the attachment
 * store's sweep (encryption of old files, interrupted key rotations).
 */
export function startWorker(): { stop: () => Promise<void> } {
  if (globalForWorker.custodianWorker) return globalForWorker.custodianWorker;
  const stopHeartbeat = startHeartbeat(WORKER_NAME);
  const stopScheduler = startScheduler();
  const stopMaintenance = startMaintenance();
  const stopFileStoreSweep = startFileStoreSweep();
  const loop = startJobLoop();
  logger().info({ worker_name: WORKER_NAME, worker_id: loop.workerId }, "worker started");
  const handle = {
    stop: async () => {
      stopScheduler();
      stopMaintenance();
      stopFileStoreSweep();
      await loop.stop();
      await stopHeartbeat();
      globalForWorker.custodianWorker = undefined;
      logger().info({ worker_name: WORKER_NAME }, "worker stopped");
    },
  };
  globalForWorker.custodianWorker = handle;
  return handle;
}

export async function stopWorker(): Promise<void> {
  await globalForWorker.custodianWorker?.stop();
}
