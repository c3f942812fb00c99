import { z } from "zod";
import type { Tx } from "../../db/client.ts";
import { db } from "../../db/client.ts";
import { readRows } from "../../db/sql.ts";
import { ZKey, type Key } from "../plan/export-plan.ts";
import { compareByteOrder } from "../prepare/byte-order.ts";

/**
 * Which part of the change feed a policy's runs have exported (ExportCursor.state):
 * - every row stamped up to `feedFrom`;
 * - for each region, the rows stamped up to `seqTo` whose (updateAt, id) is up to `keyTo` — what a
 *   run that did not finish (error, cancel) had exported, so the next run continues exactly there;
 * - `frontier`: how far in (updateAt, id) order the runs have covered time; a row stamped later
 *   but older than this is a late arrival.
 * A run that finishes folds everything into `feedFrom` and leaves no region.
 */
export const ZFeedCursor = z.object({
  feedFrom: z.number().int().nonnegative(),
  regions: z.array(z.object({ seqTo: z.number().int().nonnegative(), keyTo: ZKey })),
  frontier: ZKey,
});
export type FeedCursor = z.infer<typeof ZFeedCursor>;

/** A policy's cursor; before its first run, nothing is exported and time starts at `exportFrom`. */
export async function loadFeedCursor(options: {
  policyId: string;
  exportFrom: number;
}): Promise<FeedCursor> {
  const row = await db().exportCursor.findUnique({ where: { policyId: options.policyId } });
  if (row?.state) return ZFeedCursor.parse(JSON.parse(row.state));
  const start: Key = { updateAt: options.exportFrom, postId: "" };
  return { feedFrom: 0, regions: [], frontier: start };
}

export async function saveFeedCursor(
  tx: Tx,
  options: { policyId: string; cursor: FeedCursor; jobId: string },
): Promise<void> {
  const { policyId, cursor, jobId } = options;
  // lastUpdateAt/lastPostId keep the frontier for readers that only know the (updateAt, id) cursor.
  const at = {
    lastUpdateAt: BigInt(cursor.frontier.updateAt),
    lastPostId: cursor.frontier.postId,
    state: JSON.stringify(cursor),
    jobId,
  };
  await tx.exportCursor.upsert({ where: { policyId }, create: { policyId, ...at }, update: at });
}

/**
 * The counter of the change feed: every row stamped up to it is committed and visible. Read on the
 * export's own reader connection, like the pages: on SQLite, Prisma's one connection would also see
 * what a transaction still open in this process has written.
 */
export async function readFeedWatermark(): Promise<number> {
  const rows = await readRows(`SELECT "value" FROM "FeedSequence" WHERE "id" = 1`, []);
  return Number(rows[0]?.value ?? 0);
}

/** (updateAt, id) order, ids by byte order as the databases compare them. */
export function compareKeys(a: Key, b: Key): number {
  return a.updateAt - b.updateAt || compareByteOrder(a.postId, b.postId);
}
