"use server";

import { ZExportSettingsInput } from "@/lib/settings/schema.ts";
import { updateExportSettings } from "@/lib/settings/update-export-settings.ts";
import { testSmtpConnection } from "@/lib/targets/smtp/index.ts";
import { cancelJob } from "@/lib/jobs/cancel-job.ts";
import { loadExportSettings } from "@/lib/settings/export-settings-store.ts";
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

export const testGlobalRelayConnectionAction = defineAction(
  { id: "/compliance-export#testConnection", schema: ZRunNowInput, right: "configure", event: "testSmtpConnection", objectType: "config" },
  async () => {
    const gr = (await loadExportSettings()).GlobalRelaySettings;
    const result = await testSmtpConnection(gr, { allowPlain: gr.CustomerType === "CUSTOM" && gr.AllowPlainSMTP });
    return { data: { ok: result.ok, message: result.message }, audit: { parameters: { kind: "globalrelay", customer_type: gr.CustomerType }, resultingState: { ok: result.ok, message: result.message } } };
  },
);
