import { logger } from "../log/logger.ts";
import { startHeartbeat } from "./heartbeat.ts";

const globalForWorker = globalThis as unknown as { custodianWorker?: { stop: () => Promise<void> } };

/** Starts this process's worker once (the export job loop joins it in the export engine). */
export function startWorker(name = "MessageExportWorker"): { stop: () => Promise<void> } {
  if (globalForWorker.custodianWorker) return globalForWorker.custodianWorker;
  const stopHeartbeat = startHeartbeat(name);
  logger().info({ worker_name: name }, "worker started");
  const handle = {
    stop: async () => {
      await stopHeartbeat();
      globalForWorker.custodianWorker = undefined;
      logger().info({ worker_name: name }, "worker stopped");
    },
  };
  globalForWorker.custodianWorker = handle;
  return handle;
}

export async function stopWorker(): Promise<void> {
  await globalForWorker.custodianWorker?.stop();
}
