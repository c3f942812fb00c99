import { startJobLoop } from "./job-loop.ts";
import { startScheduler } from "./schedule-daily-export.ts";
import { WORKER_NAME } from "./run-job.ts";
import { logger } from "../log/logger.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { startMaintenance } from "./start-maintenance.ts";

const globalForWorker = globalThis as unknown as { custodianWorker?: { stop: () => Promise<void> } };

/**
 * Starts this process's worker once: the job loop (claims export jobs under a lease), the daily
 * scheduler (idempotent across instances) and the heartbeat /api/health reads.
 */
export function startWorker(): { stop: () => Promise<void> } {
  if (globalForWorker.custodianWorker) return globalForWorker.custodianWorker;
  const stopHeartbeat = startHeartbeat(WORKER_NAME);
  const stopScheduler = startScheduler();
  const stopMaintenance = startMaintenance();
  const loop = startJobLoop();
  logger().info({ worker_name: WORKER_NAME, worker_id: loop.workerId }, "worker started");
  const handle = {
    stop: async () => {
      stopScheduler();
      stopMaintenance();
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
