import { db } from "../db/client.ts";
import type { TAuditQuery } from "./schema.ts";

export const AUDIT_PAGE_SIZE = 50;

/** Times typed in the page are read in UTC, like the records' timestamps. */
function toDate(v: string, endOfRange: boolean): Date {
  const full = v.length === 10 ? `${v}T${endOfRange ? "23:59:59.999" : "00:00:00"}Z` : `${v}${v.length === 16 ? (endOfRange ? ":59.999" : ":00") : ""}Z`;
  return new Date(full);
}

async function whereOf(q: TAuditQuery) {
  let actorIds: string[] | undefined;
  if (q.actor) {
    const byEmail = await db().adminUser.findMany({ where: { email: q.actor.toLowerCase() }, select: { id: true } });
    actorIds = [q.actor, ...byEmail.map((u) => u.id)];
  }
  return {
    ...(q.event ? { eventName: q.event } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(actorIds ? { actorUserId: { in: actorIds } } : {}),
    ...(q.from || q.to ? { timestamp: { ...(q.from ? { gte: toDate(q.from, false) } : {}), ...(q.to ? { lte: toDate(q.to, true) } : {}) } } : {}),
  };
}

/** One page of records, newest first; `next` continues below the last id shown. */
export async function queryAudits(q: TAuditQuery): Promise<{ records: Array<{ id: number; json: string }>; next: number | null }> {
  const rows = await db().auditRecord.findMany({
    where: { ...(await whereOf(q)), ...(q.before ? { id: { lt: q.before } } : {}) },
    orderBy: { id: "desc" },
    take: AUDIT_PAGE_SIZE + 1,
    select: { id: true, json: true },
  });
  const more = rows.length > AUDIT_PAGE_SIZE;
  const records = rows.slice(0, AUDIT_PAGE_SIZE);
  return { records, next: more ? records[records.length - 1]!.id : null };
}

/** Every matching record as JSON lines, newest first, read 1,000 at a time. */
export async function* streamAudits(q: TAuditQuery): AsyncGenerator<string> {
  const where = await whereOf(q);
  let before: number | undefined = q.before;
  for (;;) {
    const rows = await db().auditRecord.findMany({ where: { ...where, ...(before ? { id: { lt: before } } : {}) }, orderBy: { id: "desc" }, take: 1000, select: { id: true, json: true } });
    if (rows.length === 0) return;
    yield rows.map((r) => r.json).join("\n") + "\n";
    before = rows[rows.length - 1]!.id;
  }
}
