import { db } from "../../db/client.ts";
import { readRows } from "../../db/sql.ts";
import { dailyRunInstant } from "../../time/daily-run-instant.ts";

export type CompletenessStatus = "ok" | "short" | "over";

export type CompletenessRow = {
  channelId: string;
  /** "<team> / <channel display name>", or the id when the channel is not (yet) stored. */
  channelName: string;
  day: string;
  timeZone: string;
  attested: { posts: number; files: number };
  received: { posts: number; files: number };
  /** short: Custodian holds fewer posts or files than the source attested (something is missing); over: more. */
  status: CompletenessStatus;
  receivedAt: number;
};

export const COMPLETENESS_PAGE_LIMIT = 500;

/** [start, end) of a calendar day in a time zone, in epoch ms (DST days are 23 or 25 hours long). */
export function dayBounds(day: string, timeZone: string): { start: number; end: number } {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, date + 1));
  return {
    start: dailyRunInstant({ year, month, day: date }, "00:00", timeZone).getTime(),
    end: dailyRunInstant(
      { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() },
      "00:00",
      timeZone,
    ).getTime(),
  };
}

/**
 * What Custodian holds of one channel-day: its posts created that day (every post the source sent,
 * deleted ones included; the earlier versions that edits keep are not posts of their own), and the
 * file infos of those posts.
 */
export async function countReceived(
  channelId: string,
  day: string,
  timeZone: string,
): Promise<{ posts: number; files: number }> {
  const { start, end } = dayBounds(day, timeZone);
  const [posts] = await readRows(
    `SELECT COUNT(*) AS "n" FROM "Post" WHERE "channelId" = $1 AND "originalId" = '' AND "createAt" >= $2 AND "createAt" < $3`,
    [channelId, start, end],
  );
  const [files] = await readRows(
    `SELECT COUNT(*) AS "n" FROM "FileInfo" f JOIN "Post" p ON p."id" = f."postId" ` +
      `WHERE p."channelId" = $1 AND p."originalId" = '' AND p."createAt" >= $2 AND p."createAt" < $3`,
    [channelId, start, end],
  );
  return { posts: Number(posts?.n ?? 0), files: Number(files?.n ?? 0) };
}

export function statusOf(
  attested: { posts: number; files: number },
  received: { posts: number; files: number },
): CompletenessStatus {
  if (received.posts < attested.posts || received.files < attested.files) return "short";
  if (received.posts > attested.posts || received.files > attested.files) return "over";
  return "ok";
}

const RANK: Record<CompletenessStatus, number> = { short: 0, over: 1, ok: 2 };

/**
 * Every attested channel-day between `from` and `to` (YYYY-MM-DD, inclusive; the attested day in its
 * own time zone), attested against received: mismatches first (short, then over), then newest day.
 */
export async function readCompleteness(
  options: { from?: string; to?: string; limit?: number } = {},
): Promise<CompletenessRow[]> {
  const day: { gte?: string; lte?: string } = {};
  if (options.from) day.gte = options.from;
  if (options.to) day.lte = options.to;
  const attestations = await db().sourceAttestation.findMany({
    where: Object.keys(day).length ? { day } : {},
    orderBy: [{ day: "desc" }, { channelId: "asc" }],
    take: options.limit ?? COMPLETENESS_PAGE_LIMIT,
  });
  const channelIds = [...new Set(attestations.map((a) => a.channelId))];
  const channels = await db().chatChannel.findMany({
    where: { id: { in: channelIds } },
    select: { id: true, name: true, displayName: true, teamId: true },
  });
  const teams = await db().chatTeam.findMany({
    where: { id: { in: [...new Set(channels.map((c) => c.teamId).filter(Boolean))] } },
    select: { id: true, name: true },
  });
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const channelName = new Map(
    channels.map((c) => [
      c.id,
      `${c.teamId ? `${teamName.get(c.teamId) ?? c.teamId} / ` : ""}${c.displayName || c.name}`,
    ]),
  );
  const rows: CompletenessRow[] = [];
  for (const a of attestations) {
    const attested = { posts: a.posts, files: a.files };
    const received = await countReceived(a.channelId, a.day, a.timeZone);
    rows.push({
      channelId: a.channelId,
      channelName: channelName.get(a.channelId) ?? a.channelId,
      day: a.day,
      timeZone: a.timeZone,
      attested,
      received,
      status: statusOf(attested, received),
      receivedAt: Number(a.receivedAt),
    });
  }
  // Stable: within a rank the order stays newest day first.
  return rows.sort((x, y) => RANK[x.status] - RANK[y.status]);
}
