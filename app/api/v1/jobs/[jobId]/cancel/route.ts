import { UserError } from "@/lib/errors/user-error.ts";
import { cancelJob } from "@/lib/jobs/cancel-job.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

export const POST = sessionRoute(
  {
    right: "request",
    audit: { event: "cancelJob", objectType: "job", apiPath: "/api/v1/jobs/[jobId]/cancel" },
  },
  async ({ params }) => {
    const id = ZJobId.safeParse(params.jobId);
    if (!id.success) throw new UserError("No such job.", 404);
    const change = await cancelJob({ jobId: id.data });
    return {
      response: Response.json({ status: change.after }),
      audit: {
        parameters: { job_id: id.data },
        priorState: { status: change.before },
        resultingState: { status: change.after },
      },
    };
  },
);
