"use server";

import { ZExportSettingsInput } from "@/lib/settings/schema.ts";
import { updateExportSettings } from "@/lib/settings/update-export-settings.ts";
import { cancelJob } from "@/lib/jobs/cancel-job.ts";
import { createExportJob } from "@/lib/jobs/create-export-job.ts";
import { ZJobRef, ZRunNowInput } from "@/lib/jobs/schema.ts";
import { defineAction } from "@/app/_server/action.ts";

export const saveExportSettingsAction = defineAction(
  { id: "/compliance-export#save", schema: ZExportSettingsInput, right: "configure", event: "patchConfig", objectType: "config" },
  async ({ input }) => {
    const { view, audit } = await updateExportSettings({ input });
    return { data: view, audit };
  },
);

export const runExportNowAction = defineAction(
  { id: "/compliance-export#runNow", schema: ZRunNowInput, right: "request", event: "createJob", objectType: "job" },
  async ({ session }) => {
    const job = await createExportJob({ input: {}, trigger: "manual", initiatedBy: session.user.id, initiatedByLabel: session.user.email });
    return { data: { jobId: job.id }, audit: { parameters: {}, resultingState: { job_id: job.id, status: job.status, format: job.format } } };
  },
);

export const cancelJobAction = defineAction(
  { id: "/compliance-export#cancel", schema: ZJobRef, right: "request", event: "cancelJob", objectType: "job" },
  async ({ input }) => {
    const change = await cancelJob({ jobId: input.jobId });
    return { data: change, audit: { parameters: input, priorState: { status: change.before }, resultingState: { status: change.after } } };
  },
);
