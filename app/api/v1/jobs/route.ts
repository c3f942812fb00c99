import { createExportJob } from "@/lib/jobs/create-export-job.ts";
import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { listJobsPage, ZJobsPageQuery } from "@/lib/jobs/list-jobs-page.ts";
import { toJobView } from "@/lib/jobs/job-view.ts";
import { ZCreateJobInput } from "@/lib/jobs/schema.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/jobs";

/**
 * A page of export jobs, newest first (?limit, ?before, ?status, ?format, ?trigger, ?policyId, ?sort,
 * ?order). The console's live table passes ?poll=1 (not audited each time) and ?since=<the revision
 * it last saw>: while nothing changed the answer is {changed:false} without rows (docs/console.md
 * explains why polling the revision rather than server-sent events).
 */
export const GET = sessionRoute(
  {
    right: ["request", "download", "configure"],
    audit: { event: "getComplianceReports", objectType: "export", apiPath: API_PATH },
  },
  async ({ request }) => {
    const { poll, ...params } = Object.fromEntries(new URL(request.url).searchParams);
    const parsed = ZJobsPageQuery.safeParse(params);
    if (!parsed.success)
      throw new UserError(
        "Some query parameters are not valid.",
        400,
        fieldErrorsOf(parsed.error.issues),
      );
    const page = await listJobsPage({ query: parsed.data });
    return {
      response: Response.json(page, { headers: { "Cache-Control": "no-store" } }),
      skipAudit: poll === "1",
      audit: {
        parameters: Object.fromEntries(Object.entries(params).filter(([k]) => k !== "since")),
      },
    };
  },
);

/** Starts an export now (continuing the daily cursor), or for a window: {exportFrom} or {start, end}. */
export const POST = sessionRoute(
  {
    right: "request",
    audit: {
      event: "createJob",
      objectType: "job",
      apiPath: API_PATH,
      auditable: { format: true, exportFrom: true, start: true, end: true },
    },
  },
  async ({ request, session }) => {
    const input = await parseJsonBody(request, ZCreateJobInput, 64 * 1024);
    const job = await createExportJob({
      input,
      trigger: "api",
      initiatedBy: session.user.id,
      initiatedByLabel: session.user.email,
    });
    return {
      response: Response.json({ job: toJobView(job) }, { status: 201 }),
      audit: { input, resultingState: { job_id: job.id, status: job.status, format: job.format } },
    };
  },
);
