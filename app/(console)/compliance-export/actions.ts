"use server";

import { EXPORT_SETTINGS_AUDIT_FIELDS, ZExportSettingsInput } from "@/lib/settings/schema.ts";
import { updateExportSettings } from "@/lib/export-settings/update-export-settings.ts";
import { testSmtpConnection } from "@/lib/targets/smtp/index.ts";
import { cancelJob } from "@/lib/jobs/cancel-job.ts";
import { loadExportSettings } from "@/lib/export-settings/export-settings-store.ts";
import { createExportJob } from "@/lib/jobs/create-export-job.ts";
import { ZCreateJobInput, ZJobRef, ZRunNowInput } from "@/lib/jobs/schema.ts";
import { consumeRateLimit, SMTP_TEST_LIMIT } from "@/lib/auth/rate-limit.ts";
import { smtpEndpoint } from "@/lib/targets/smtp/smtp-endpoint.ts";
import { announceDestinationChange } from "@/lib/notifications/announce-destination-change.ts";
import type { ExportSettings } from "@/lib/settings/schema.ts";
import { AuditedUserError, defineAction } from "@/app/_server/action.ts";

/** host and port a connection test dials ("" when the settings name none). */
function describeTarget(gr: ExportSettings["GlobalRelaySettings"]): {
  host: string;
  port: number | string;
} {
  try {
    const t = smtpEndpoint(gr, { allowPlain: gr.CustomerType === "CUSTOM" && gr.AllowPlainSMTP });
    return { host: t.host, port: t.port };
  } catch {
    return { host: gr.CustomSMTPServerName, port: String(gr.CustomSMTPPort) };
  }
}

export const saveExportSettingsAction = defineAction(
  {
    id: "/compliance-export#save",
    schema: ZExportSettingsInput,
    right: "configure",
    event: "patchConfig",
    objectType: "config",
    auditable: EXPORT_SETTINGS_AUDIT_FIELDS,
    auditAs: "MessageExportSettings",
  },
  async ({ input, session }) => {
    const { view, audit, destination, passwordCleared } = await updateExportSettings({ input });
    const notice = destination.length
      ? await announceDestinationChange({
          what: "Compliance Export",
          diffs: destination,
          changedBy: session.user.email,
        })
      : undefined;
    return {
      data: { view, passwordCleared },
      audit: {
        ...audit,
        resultingState: {
          password_cleared: passwordCleared,
          ...(notice ? { change_notice: notice } : {}),
        },
      },
    };
  },
);

export const runExportNowAction = defineAction(
  {
    id: "/compliance-export#runNow",
    schema: ZRunNowInput,
    right: "request",
    event: "createJob",
    objectType: "job",
    auditable: {},
  },
  async ({ session }) => {
    const job = await createExportJob({
      input: {},
      trigger: "manual",
      initiatedBy: session.user.id,
      initiatedByLabel: session.user.email,
    });
    return {
      data: { jobId: job.id },
      audit: { resultingState: { job_id: job.id, status: job.status, format: job.format } },
    };
  },
);

/** "Export from…": a one-off run of everything changed since a past moment (the CLI's --export-from). */
export const runExportFromAction = defineAction(
  {
    id: "/compliance-export#runFrom",
    schema: ZCreateJobInput,
    right: "request",
    event: "createJob",
    objectType: "job",
    auditable: { exportFrom: true, format: true },
  },
  async ({ input, session }) => {
    const job = await createExportJob({
      input: { exportFrom: input.exportFrom, format: input.format },
      trigger: "manual",
      initiatedBy: session.user.id,
      initiatedByLabel: session.user.email,
    });
    return {
      data: { jobId: job.id },
      audit: { resultingState: { job_id: job.id, status: job.status, format: job.format } },
    };
  },
);

export const cancelJobAction = defineAction(
  {
    id: "/compliance-export#cancel",
    schema: ZJobRef,
    right: "request",
    event: "cancelJob",
    objectType: "job",
    auditable: { jobId: true },
  },
  async ({ input }) => {
    const change = await cancelJob({ jobId: input.jobId });
    return {
      data: change,
      audit: { priorState: { status: change.before }, resultingState: { status: change.after } },
    };
  },
);

export const testGlobalRelayConnectionAction = defineAction(
  {
    id: "/compliance-export#testConnection",
    schema: ZRunNowInput,
    right: "configure",
    event: "testSmtpConnection",
    objectType: "config",
    auditable: {},
  },
  async ({ session }) => {
    const gr = (await loadExportSettings()).GlobalRelaySettings;
    const target = describeTarget(gr);
    // Audited with its target whatever happens, and rate-limited: the button must not become a port scanner.
    const allowed = await consumeRateLimit({
      key: `smtp-test:${session.user.id}`,
      ...SMTP_TEST_LIMIT,
    });
    if (!allowed.ok)
      throw new AuditedUserError(
        `Too many connection tests. Try again in ${allowed.retryAfterSeconds} seconds.`,
        429,
        { kind: "globalrelay", ...target },
      );
    const result = await testSmtpConnection(gr, {
      allowPlain: gr.CustomerType === "CUSTOM" && gr.AllowPlainSMTP,
    });
    return {
      data: { ok: result.ok, message: result.message },
      audit: {
        parameters: { kind: "globalrelay", customer_type: gr.CustomerType, ...target },
        resultingState: { ok: result.ok, message: result.message },
      },
    };
  },
);
