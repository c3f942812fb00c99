import { isEmptyFilter, type PolicyFilter } from "./policy-filter.ts";

/** Adds a parameter and returns its placeholder ($n); the statements use $1…$n on both databases. */
export type Param = (value: unknown) => string;

const inList = (values: readonly unknown[], param: Param) => values.map(param).join(", ");

/** The channel-level part of a filter on the channel alias `c`, or null when it has none. */
function channelConditions(f: PolicyFilter, param: Param, c: string): string[] {
  const where: string[] = [];
  if (f.teams.length) where.push(`${c}."teamId" IN (${inList(f.teams, param)})`);
  if (f.channels.length) where.push(`${c}."id" IN (${inList(f.channels, param)})`);
  if (f.excludeChannels.length)
    where.push(`${c}."id" NOT IN (${inList(f.excludeChannels, param)})`);
  if (f.channelTypes.length) where.push(`${c}."type" IN (${inList(f.channelTypes, param)})`);
  return where;
}

/**
 * THE filter → SQL builder: the WHERE fragment that keeps a policy's posts (alias `p` for "Post"),
 * or null for a filter that selects everything. Used by the export's page reader, the selection
 * counts and the preview, so what is counted is what is read, and nothing is read to be dropped.
 * By participant: a selected user wrote the post, or was a member of its channel when it was
 * posted (joined at or before its creation, not left by then).
 */
export function postFilterSql(
  filter: PolicyFilter | null | undefined,
  param: Param,
  p = "p",
): string | null {
  if (!filter || isEmptyFilter(filter)) return null;
  const where: string[] = [];
  const channel = channelConditions(filter, param, "fc");
  if (channel.length)
    where.push(
      `${p}."channelId" IN (SELECT fc."id" FROM "ChatChannel" fc WHERE ${channel.join(" AND ")})`,
    );
  if (filter.users.length) {
    const users = inList(filter.users, param);
    if (filter.by === "participant") {
      where.push(
        `(${p}."userId" IN (${users}) OR EXISTS (SELECT 1 FROM "ChannelMemberHistory" fh WHERE fh."channelId" = ${p}."channelId" AND fh."userId" IN (${inList(filter.users, param)}) AND fh."joinTime" <= ${p}."createAt" AND (fh."leaveTime" IS NULL OR fh."leaveTime" > ${p}."createAt")))`,
      );
    } else where.push(`${p}."userId" IN (${users})`);
  }
  if (filter.notBefore !== null) where.push(`${p}."createAt" >= ${param(filter.notBefore)}`);
  if (filter.notAfter !== null) where.push(`${p}."createAt" <= ${param(filter.notAfter)}`);
  return where.length ? `(${where.join(" AND ")})` : null;
}

/**
 * The channels of a policy active in [start, end] (alias `c` for "ChatChannel"): those its channel
 * conditions keep and, by participant, where a selected user was a member during the window or wrote
 * in it. Null when the filter keeps every channel.
 */
export function channelFilterSql(
  filter: PolicyFilter | null | undefined,
  param: Param,
  window: { start: number; end: number },
  c = "c",
): string | null {
  if (!filter || isEmptyFilter(filter)) return null;
  const where = channelConditions(filter, param, c);
  if (filter.users.length && filter.by === "participant") {
    const start = param(window.start);
    const end = param(window.end);
    where.push(
      `(EXISTS (SELECT 1 FROM "ChannelMemberHistory" fh WHERE fh."channelId" = ${c}."id" AND fh."userId" IN (${inList(filter.users, param)}) AND fh."joinTime" <= ${end} AND (fh."leaveTime" IS NULL OR fh."leaveTime" >= ${start}))` +
        ` OR EXISTS (SELECT 1 FROM "Post" fp WHERE fp."channelId" = ${c}."id" AND fp."userId" IN (${inList(filter.users, param)}) AND fp."updateAt" >= ${start} AND fp."updateAt" <= ${end}))`,
    );
  }
  return where.length ? `(${where.join(" AND ")})` : null;
}
