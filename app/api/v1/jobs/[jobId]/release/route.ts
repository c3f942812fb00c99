import { db } from "@/lib/db/client.ts";
import { setLegalHold } from "@/lib/downloads/set-legal-hold.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/** Releases an export from legal hold: it expires again with its target's retention. */
export const POST = sessionRoute(
  {
    right: { all: ["download", "configure"] },
    audit: {
      event: "releaseExport",
      objectType: "export",
      apiPath: "/api/v1/jobs/[jobId]/release",
    },
  },
  async ({ params }) => {
    const id = ZJobId.safeParse(params.jobId);
    const before = id.success
      ? await db().exportJob.findUnique({
          where: { id: id.data },
          select: { legalHoldReason: true, legalHoldBy: true },
        })
      : null;
    if (!id.success || !before) throw new UserError("No such export.", 404);
    const change = await setLegalHold({ jobId: id.data, hold: false, by: "" });
    return {
      response: Response.json({ legalHold: null, objects: change.objects }),
      audit: {
        parameters: { job_id: id.data },
        priorState: {
          legal_hold: !change.unchanged,
          reason: before.legalHoldReason,
          by: before.legalHoldBy,
        },
        resultingState: { legal_hold: false, objects: change.objects, unchanged: change.unchanged },
      },
    };
  },
);
