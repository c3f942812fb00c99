import { readRows } from "../db/sql.ts";
import { postFilterSql } from "./filter-sql.ts";
import type { PolicyFilter } from "./policy-filter.ts";

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * What a filter selects among the last 7 days' messages (by update time, system messages aside),
 * and in how many channels they are — counted in SQL with the export's own filter builder, before saving.
 */
export async function previewPolicy(options: {
  filter: PolicyFilter;
  now?: Date;
}): Promise<{ channels: number; messages: number; since: number; until: number }> {
  const until = (options.now ?? new Date()).getTime();
  const since = until - WEEK_MS;
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const scope = postFilterSql(options.filter, param);
  const sql = `SELECT COUNT(*) AS "messages", COUNT(DISTINCT p."channelId") AS "channels" FROM "Post" p
    WHERE p."updateAt" >= ${param(since)} AND p."updateAt" <= ${param(until)} AND p."type" NOT LIKE 'system\\_%' ESCAPE '\\'${scope ? ` AND ${scope}` : ""}`;
  const row = (await readRows(sql, params))[0] as {
    messages: number | string;
    channels: number | string;
  };
  return { channels: Number(row.channels), messages: Number(row.messages), since, until };
}
