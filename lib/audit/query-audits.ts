import { db } from "../db/client.ts";
import { AUDIT_CSV_HEADER, auditCsvLine, auditCsvRow } from "./audit-csv.ts";
import { PAGE_VIEW_EVENTS, type TAuditQuery } from "./schema.ts";

export const AUDIT_PAGE_SIZE = 50;

/** Times typed in the page are read in UTC, like the records' timestamps. */
function toDate(v: string, endOfRange: boolean): Date {
  const full =
    v.length === 10
      ? `${v}T${endOfRange ? "23:59:59.999" : "00:00:00"}Z`
      : `${v}${v.length === 16 ? (endOfRange ? ":59.999" : ":00") : ""}Z`;
  return new Date(full);
}

async function whereOf(q: TAuditQuery) {
  let actorIds: string[] | undefined;
  if (q.actor) {
    const byEmail = await db().adminUser.findMany({
      where: { email: q.actor.toLowerCase() },
      select: { id: true },
    });
    actorIds = [q.actor, ...byEmail.map((u) => u.id)];
  }
  return {
    ...(q.event
      ? { eventName: q.event }
      : q.views === "hide"
        ? { eventName: { notIn: [...PAGE_VIEW_EVENTS] } }
        : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(actorIds ? { actorUserId: { in: actorIds } } : {}),
    ...(q.from || q.to
      ? {
          timestamp: {
            ...(q.from ? { gte: toDate(q.from, false) } : {}),
            ...(q.to ? { lte: toDate(q.to, true) } : {}),
          },
        }
      : {}),
  };
}

export type AuditPage = {
  records: Array<{ id: number; json: string }>;
  /** `before` for the next older page, or null on the oldest. */
  next: number | null;
  /** `after` for the next newer page, or null on the newest. */
  previous: number | null;
  /** Records matching the filters, all pages. */
  total: number;
  /** Matching records newer than this page (so this page starts at newer + 1). */
  newer: number;
};

/** One page of records, newest first; `before` pages to older records, `after` to newer ones. */
export async function queryAudits(q: TAuditQuery): Promise<AuditPage> {
  const where = await whereOf(q);
  const select = { id: true, json: true };
  let records: Array<{ id: number; json: string }>;
  if (q.after !== undefined && q.before === undefined) {
    // The page just above `after`: read upwards, then show it newest first like every page.
    const up = await db().auditRecord.findMany({
      where: { ...where, id: { gt: q.after } },
      orderBy: { id: "asc" },
      take: AUDIT_PAGE_SIZE,
      select,
    });
    records = up.reverse();
  } else {
    records = await db().auditRecord.findMany({
      where: { ...where, ...(q.before ? { id: { lt: q.before } } : {}) },
      orderBy: { id: "desc" },
      take: AUDIT_PAGE_SIZE,
      select,
    });
  }
  const first = records[0]?.id;
  const last = records[records.length - 1]?.id;
  const [total, newer, older] = await Promise.all([
    db().auditRecord.count({ where }),
    first === undefined
      ? Promise.resolve(0)
      : db().auditRecord.count({ where: { ...where, id: { gt: first } } }),
    last === undefined
      ? Promise.resolve(0)
      : db().auditRecord.count({ where: { ...where, id: { lt: last } } }),
  ]);
  return {
    records,
    next: older > 0 ? last! : null,
    previous: newer > 0 ? first! : null,
    total,
    newer,
  };
}

/** Every matching record as JSON lines (or CSV rows), newest first, read 1,000 at a time. */
export async function* streamAudits(
  q: TAuditQuery,
  format: "jsonl" | "csv" = "jsonl",
): AsyncGenerator<string> {
  if (format === "csv") yield auditCsvLine(AUDIT_CSV_HEADER);
  const where = await whereOf(q);
  let before: number | undefined = q.before;
  for (;;) {
    const rows = await db().auditRecord.findMany({
      where: { ...where, ...(before ? { id: { lt: before } } : {}) },
      orderBy: { id: "desc" },
      take: 1000,
      select: { id: true, json: true },
    });
    if (rows.length === 0) return;
    yield format === "csv"
      ? rows.map((r) => auditCsvRow(r.json)).join("")
      : rows.map((r) => r.json).join("\n") + "\n";
    before = rows[rows.length - 1]!.id;
  }
}
