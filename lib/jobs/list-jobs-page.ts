import { z } from "zod";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { JOB_STATUSES, JOB_TRIGGERS } from "./job-status.ts";
import { toJobView, type JobView } from "./job-view.ts";
import { ZInstant, ZJobId } from "./schema.ts";

const SORTS = { createdAt: "createdAt", status: "status", format: "format", messages: "messagesExported" } as const;

const commaList = <T extends string>(values: readonly T[], what: string) =>
  z.union([z.string(), z.array(z.string())]).transform((v, ctx): T[] => {
    const list = (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean);
    const bad = list.find((s) => !(values as readonly string[]).includes(s));
    if (bad) {
      ctx.addIssue({ code: "custom", message: `Unknown ${what} "${bad}"; choose from ${values.join(", ")}.` });
      return z.NEVER;
    }
    return list as T[];
  });

/**
 * A page of export jobs: the query of `GET /api/v1/jobs`, `cli jobs list` and the console's job
 * table. Keyset paging: `before` is the id of the last job of the previous page (or a time: jobs
 * created before it); `next` in the answer is the value for the following page.
 */
export const ZJobsPageQuery = z
  .object({
    limit: z.coerce.number().int().min(1, "Give a limit from 1 to 500.").max(500, "Give a limit from 1 to 500.").default(50),
    before: z.union([ZJobId, ZInstant]).optional(),
    status: commaList(JOB_STATUSES, "status").optional(),
    format: z.string().max(40).optional(),
    trigger: commaList(JOB_TRIGGERS, "trigger").optional(),
    policyId: z.string().max(100).optional(),
    sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS, ...(keyof typeof SORTS)[]]).default("createdAt"),
    order: z.enum(["asc", "desc"]).default("desc"),
  })
  .strict();
export type TJobsPageQuery = z.input<typeof ZJobsPageQuery>;

export type JobsPage = { jobs: JobView[]; next: string | null; total: number };

export async function listJobsPage(options: { query: z.output<typeof ZJobsPageQuery>; now?: Date }): Promise<JobsPage> {
  const q = options.query;
  const column = SORTS[q.sort];
  const filters = {
    ...(q.status?.length ? { status: { in: q.status } } : {}),
    ...(q.trigger?.length ? { trigger: { in: q.trigger } } : {}),
    ...(q.format ? { format: q.format } : {}),
    ...(q.policyId ? { policyId: q.policyId } : {}),
  };
  const cmp = q.order === "desc" ? "lt" : "gt";
  let after: object = {};
  if (typeof q.before === "number") {
    after = { createdAt: { [cmp]: new Date(q.before) } };
  } else if (typeof q.before === "string") {
    const anchor = await db().exportJob.findUnique({ where: { id: q.before } });
    if (!anchor) throw new UserError(`No job ${q.before} to page from.`, 400, { before: "No such job." });
    const value = anchor[column];
    // Rows after the anchor in (column, id) order: ties on the column are broken by id.
    after = { OR: [{ [column]: { [cmp]: value } }, { [column]: value, id: { [cmp]: anchor.id } }] };
  }
  const [rows, total] = await Promise.all([
    db().exportJob.findMany({ where: { ...filters, ...after }, orderBy: [{ [column]: q.order }, { id: q.order }], take: q.limit + 1 }),
    db().exportJob.count({ where: filters }),
  ]);
  const page = rows.slice(0, q.limit);
  return { jobs: page.map((r) => toJobView(r, options.now)), next: rows.length > q.limit ? page.at(-1)!.id : null, total };
}
