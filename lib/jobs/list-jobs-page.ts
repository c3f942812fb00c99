import { z } from "zod";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { JOB_STATUSES, JOB_TRIGGERS } from "./job-status.ts";
import { loadTargetDirectory } from "../targets/target-directory.ts";
import { loadPolicyNames, toJobView, type JobView } from "./job-view.ts";
import { ZInstant, ZJobId } from "./schema.ts";

const SORTS = {
  createdAt: "createdAt",
  status: "status",
  format: "format",
  messages: "messagesExported",
} as const;
export const JOB_SORT_KEYS = Object.keys(SORTS) as Array<keyof typeof SORTS>;

const commaList = <T extends string>(values: readonly T[], what: string) =>
  z.union([z.string(), z.array(z.string())]).transform((v, ctx): T[] => {
    const list = (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean);
    const bad = list.find((s) => !(values as readonly string[]).includes(s));
    if (bad) {
      ctx.addIssue({
        code: "custom",
        message: `Unknown ${what} "${bad}"; choose from ${values.join(", ")}.`,
      });
      return z.NEVER;
    }
    return list as T[];
  });

/**
 * A page of export jobs: the query of `GET /api/v1/jobs`, `cli jobs list` and the console's job
 * table. Keyset paging: `before` is the id of the last job of the previous page (or a time: jobs
 * created before it); `next` in the answer is the value for the following page. `since`: the
 * revision the caller last saw (the console's live table), see readJobsRevision.
 */
export const ZJobsPageQuery = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1, "Give a limit from 1 to 500.")
      .max(500, "Give a limit from 1 to 500.")
      .default(50),
    before: z.union([ZJobId, ZInstant]).optional(),
    status: commaList(JOB_STATUSES, "status").optional(),
    format: z.string().max(40).optional(),
    trigger: commaList(JOB_TRIGGERS, "trigger").optional(),
    policyId: z.string().max(100).optional(),
    sort: z
      .enum(Object.keys(SORTS) as [keyof typeof SORTS, ...(keyof typeof SORTS)[]])
      .default("createdAt"),
    order: z.enum(["asc", "desc"]).default("desc"),
    since: z.string().max(100).optional(),
  })
  .strict();
export type TJobsPageQuery = z.input<typeof ZJobsPageQuery>;

export type JobListRow = JobView & { /** Bytes of the batch files written so far. */ size: number };
export type JobsPage = {
  jobs: JobListRow[];
  next: string | null;
  total: number;
  /** Changes whenever any job is created or changes; see readJobsRevision. */
  revision: string;
  /** False when `since` equals the current revision: then `jobs` is empty and the caller keeps its rows. */
  changed: boolean;
  /** Policies that have jobs (ids), for the policy filter. */
  policies: string[];
  /** Their names, by id. */
  policyNames: Record<string, string>;
};

/**
 * The revision of the whole job table: the number of jobs and the latest update time. Every change
 * a job goes through (created, claimed, progress, finished, canceled) bumps its updatedAt, so a
 * client that polls with the revision it last saw gets rows only when something changed, whoever
 * or whatever made the change (console, API, CLI, scheduler, another instance).
 */
export async function readJobsRevision(): Promise<string> {
  const agg = await db().exportJob.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
  return `${agg._count._all}-${agg._max.updatedAt?.getTime() ?? 0}`;
}

export async function listJobsPage(options: {
  query: z.output<typeof ZJobsPageQuery>;
  now?: Date;
}): Promise<JobsPage> {
  const q = options.query;
  const revision = await readJobsRevision();
  if (q.since !== undefined && q.since === revision)
    return {
      jobs: [],
      next: null,
      total: 0,
      revision,
      changed: false,
      policies: [],
      policyNames: {},
    };
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
    if (!anchor)
      throw new UserError(`No job ${q.before} to page from.`, 400, { before: "No such job." });
    const value = anchor[column];
    // Rows after the anchor in (column, id) order: ties on the column are broken by id.
    after = { OR: [{ [column]: { [cmp]: value } }, { [column]: value, id: { [cmp]: anchor.id } }] };
  }
  const [rows, total, policies] = await Promise.all([
    db().exportJob.findMany({
      where: { ...filters, ...after },
      orderBy: [{ [column]: q.order }, { id: q.order }],
      take: q.limit + 1,
    }),
    db().exportJob.count({ where: filters }),
    db().exportJob.groupBy({ by: ["policyId"], orderBy: { policyId: "asc" } }),
  ]);
  const page = rows.slice(0, q.limit);
  const sizes =
    page.length === 0
      ? []
      : await db().exportBatch.groupBy({
          by: ["jobId"],
          where: { jobId: { in: page.map((r) => r.id) } },
          _sum: { size: true },
        });
  const sizeOf = new Map(sizes.map((s) => [s.jobId, Number(s._sum.size ?? 0)]));
  const targets = await loadTargetDirectory();
  const names = await loadPolicyNames();
  return {
    jobs: page.map((r) => ({
      ...toJobView(r, options.now, targets, names),
      size: sizeOf.get(r.id) ?? 0,
    })),
    next: rows.length > q.limit ? page.at(-1)!.id : null,
    total,
    revision,
    changed: true,
    policies: policies.map((p) => p.policyId),
    policyNames: Object.fromEntries(
      policies.map((p) => [p.policyId, names.get(p.policyId) ?? p.policyId]),
    ),
  };
}
