import { listStoredTargets, toTargetView, type TargetView } from "./stored-target.ts";
import { targetInUse } from "./target-in-use.ts";

export type TargetListItem = TargetView & { inUse: string | null };

/** Every target as an admin may see it (no secret), with what uses it. */
export async function listTargets(): Promise<TargetListItem[]> {
  const targets = await listStoredTargets();
  return Promise.all(
    targets.map(async (t) => ({ ...toTargetView(t), inUse: await targetInUse(t.id) })),
  );
}
