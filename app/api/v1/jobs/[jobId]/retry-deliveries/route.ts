import { UserError } from "@/lib/errors/user-error.ts";
import { retryRefusedDeliveries } from "@/lib/export/retry-refused-deliveries.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

export const POST = sessionRoute(
  {
    right: "request",
    audit: {
      event: "retryDeliveries",
      objectType: "job",
      apiPath: "/api/v1/jobs/[jobId]/retry-deliveries",
    },
  },
  async ({ params }) => {
    const id = ZJobId.safeParse(params.jobId);
    if (!id.success) throw new UserError("No such job.", 404);
    const result = await retryRefusedDeliveries({ jobId: id.data });
    return {
      response: Response.json(result),
      audit: { parameters: { job_id: id.data }, resultingState: { ...result } },
    };
  },
);
