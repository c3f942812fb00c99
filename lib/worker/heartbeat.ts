import { randomUUID } from "node:crypto";
import os from "node:os";
import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";

const BEAT_EVERY_MS = 10_000;

/**
 * Keeps a row in WorkerHeartbeat fresh while this process's worker loop runs, so /api/health can
 * tell when no worker is alive. Returns a stop function.
 */
export function startHeartbeat(name: string): () => Promise<void> {
  const id = `${name}:${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const startedAt = new Date();
  const beat = async () => {
    try {
      const now = new Date();
      await db().workerHeartbeat.upsert({
        where: { id },
        create: { id, host: os.hostname(), pid: process.pid, startedAt, beatAt: now },
        update: { beatAt: now },
      });
    } catch (error) {
      logger().warn({ err: error }, "worker heartbeat failed");
    }
  };
  void beat();
  const timer = setInterval(beat, BEAT_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await db()
      .workerHeartbeat.deleteMany({ where: { id } })
      .catch(() => {});
  };
}

export const HEARTBEAT_STALE_MS = 3 * BEAT_EVERY_MS;
