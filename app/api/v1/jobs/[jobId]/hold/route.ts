import { setLegalHold, ZLegalHoldInput } from "@/lib/downloads/set-legal-hold.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/** Puts a finished export on legal hold (it never expires); needs both download and configure. */
export const POST = sessionRoute(
  {
    right: { all: ["download", "configure"] },
    audit: {
      event: "holdExport",
      objectType: "export",
      apiPath: "/api/v1/jobs/[jobId]/hold",
      auditable: { reason: true },
    },
  },
  async ({ request, params, session }) => {
    const id = ZJobId.safeParse(params.jobId);
    if (!id.success) throw new UserError("No such export.", 404);
    const input = await parseJsonBody(request, ZLegalHoldInput, 4096);
    const change = await setLegalHold({
      jobId: id.data,
      hold: true,
      reason: input.reason,
      by: session.user.email,
    });
    return {
      response: Response.json({
        legalHold: { reason: change.reason, by: change.by, at: change.at },
        objects: change.objects,
      }),
      audit: {
        input,
        parameters: { job_id: id.data },
        resultingState: { legal_hold: true, objects: change.objects, unchanged: change.unchanged },
      },
    };
  },
);
