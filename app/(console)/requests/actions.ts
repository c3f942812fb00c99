"use server";

import { createExportRequest } from "@/lib/requests/create-export-request.ts";
import { ZExportRequestInput } from "@/lib/requests/schema.ts";
import { defineAction } from "@/app/_server/action.ts";

export const requestExportAction = defineAction(
  {
    id: "/requests#create",
    schema: ZExportRequestInput,
    right: "request",
    event: "createJob",
    objectType: "job",
    auditable: { startDate: true, endDate: true, timeZone: true, format: true, select: true },
  },
  async ({ input, session }) => {
    const job = await createExportRequest({
      ...input,
      requesterId: session.user.id,
      requesterEmail: session.user.email,
    });
    return {
      data: { jobId: job.id },
      audit: { resultingState: { job_id: job.id, status: job.status, trigger: "request" } },
    };
  },
);
