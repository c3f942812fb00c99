import { randomBytes } from "node:crypto";
import { db } from "../db/client.ts";

let cached: string | undefined;

/** This installation's stable id (audit `meta.cluster_id`), created on first use. */
export async function getClusterId(): Promise<string> {
  if (cached) return cached;
  const row = await db().installation.upsert({
    where: { id: 1 },
    create: { id: 1, clusterId: randomBytes(13).toString("hex") },
    update: {},
  });
  cached = row.clusterId;
  return cached;
}

export function resetClusterIdCacheForTests(): void {
  cached = undefined;
}
