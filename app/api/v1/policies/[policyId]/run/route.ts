import { UserError } from "@/lib/errors/user-error.ts";
import { getJobView } from "@/lib/jobs/job-view.ts";
import { runPolicy } from "@/lib/jobs/run-policy-now.ts";
import { ZPolicyId } from "@/lib/policies/policy-schema.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/policies/[policyId]/run";

/** Runs a policy now: a job continuing its cursor (409 while one of its jobs is pending or running). */
export const POST = sessionRoute(
  { right: "request", audit: { event: "runPolicy", objectType: "policy", apiPath: API_PATH } },
  async ({ params, session }) => {
    const id = ZPolicyId.safeParse(params.policyId);
    if (!id.success) throw new UserError("No such export policy.", 404);
    const { job, audit } = await runPolicy({
      policy: id.data,
      trigger: "api",
      initiatedBy: session.user.id,
      initiatedByLabel: session.user.email,
    });
    return { response: Response.json({ job: await getJobView(job.id) }, { status: 201 }), audit };
  },
);
