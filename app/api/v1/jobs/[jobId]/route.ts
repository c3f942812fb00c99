import { UserError } from "@/lib/errors/user-error.ts";
import { getJobWithReconciliation } from "@/lib/job-detail/job-with-reconciliation.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(
  {
    right: ["request", "download", "configure"],
    audit: { event: "getComplianceReport", objectType: "export", apiPath: "/api/v1/jobs/[jobId]" },
  },
  async ({ params }) => {
    const id = ZJobId.safeParse(params.jobId);
    const job = id.success ? await getJobWithReconciliation(id.data) : null;
    if (!job) throw new UserError("No such job.", 404);
    return {
      response: Response.json({ job }, { headers: { "Cache-Control": "no-store" } }),
      audit: { parameters: { job_id: job.id } },
    };
  },
);
