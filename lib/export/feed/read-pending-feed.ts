import { loadExportSettings } from "../../export-settings/export-settings-store.ts";
import { summarizeSelection } from "../read-post-page.ts";
import { loadFeedCursor, readFeedWatermark } from "./feed-cursor.ts";

/**
 * What the change feed holds that a policy's runs have not exported yet: how many posts, and the
 * update time of the oldest (the export lag is its age).
 */
export async function readPendingFeed(options: {
  policyId: string;
}): Promise<{ count: number; oldest: number | null }> {
  const exportFrom = (await loadExportSettings()).ExportFromTimestamp;
  const cursor = await loadFeedCursor({ policyId: options.policyId, exportFrom });
  const selection = {
    kind: "feed" as const,
    ...cursor,
    feedTo: await readFeedWatermark(),
    exportFrom,
  };
  const parts = [
    await summarizeSelection({ ...selection, phase: "late" }),
    await summarizeSelection({ ...selection, phase: "normal" }),
  ];
  const oldest = parts.map((p) => p.oldest).filter((o): o is number => o !== null);
  return {
    count: parts[0]!.count + parts[1]!.count,
    oldest: oldest.length ? Math.min(...oldest) : null,
  };
}
