import { db } from "../db/client.ts";
import { HEARTBEAT_STALE_MS } from "../worker/heartbeat.ts";

export type Health = {
  status: "ok" | "down";
  database: { ok: boolean; error?: string };
  worker: { ok: boolean; heartbeatAgeSeconds: number | null; expected: boolean };
  down: string[];
};

/** Database reachable, and (when this deployment runs workers) a worker heartbeat younger than 30 s. */
export async function checkHealth(options: {
  workerExpected: boolean;
  now?: Date;
}): Promise<Health> {
  const now = options.now ?? new Date();
  const down: string[] = [];
  let database: Health["database"] = { ok: true };
  let age: number | null = null;
  try {
    const latest = await db().workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" } });
    age = latest ? Math.max(0, (now.getTime() - latest.beatAt.getTime()) / 1000) : null;
  } catch {
    database = { ok: false, error: "database unreachable" };
    down.push("database");
  }
  const workerOk = database.ok && age !== null && age * 1000 < HEARTBEAT_STALE_MS;
  if (options.workerExpected && database.ok && !workerOk) down.push("worker");
  return {
    status: down.length ? "down" : "ok",
    database,
    worker: {
      ok: workerOk,
      heartbeatAgeSeconds: age === null ? null : Math.round(age * 10) / 10,
      expected: options.workerExpected,
    },
    down,
  };
}
