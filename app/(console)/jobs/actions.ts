"use server";

import { verifyJobExport } from "@/lib/export/manifest/verify-job-export.ts";
import { retryRefusedDeliveries } from "@/lib/export/retry-refused-deliveries.ts";
import { cancelJob } from "@/lib/jobs/cancel-job.ts";
import { retryJob } from "@/lib/jobs/retry-job.ts";
import { ZJobRef } from "@/lib/jobs/schema.ts";
import { setLegalHold, ZLegalHoldRequest } from "@/lib/downloads/set-legal-hold.ts";
import { defineAction } from "@/app/_server/action.ts";

export const cancelJobFromDetailAction = defineAction(
  {
    id: "/jobs#cancel",
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

export const retryJobAction = defineAction(
  {
    id: "/jobs#retry",
    schema: ZJobRef,
    right: "request",
    event: "createJob",
    objectType: "job",
    auditable: {},
  },
  async ({ input, session }) => {
    const job = await retryJob({
      jobId: input.jobId,
      initiatedBy: session.user.id,
      initiatedByLabel: session.user.email,
    });
    return {
      data: { jobId: job.id },
      audit: {
        parameters: { retry_of: input.jobId },
        resultingState: { job_id: job.id, status: job.status, format: job.format },
      },
    };
  },
);

/** Same right as running an export: it sends export content to the archive. */
export const retryDeliveriesAction = defineAction(
  {
    id: "/jobs#retryDeliveries",
    schema: ZJobRef,
    right: "request",
    event: "retryDeliveries",
    objectType: "job",
    auditable: { jobId: true },
  },
  async ({ input }) => {
    const result = await retryRefusedDeliveries({ jobId: input.jobId });
    return {
      data: result,
      audit: { parameters: { job_id: input.jobId }, resultingState: { ...result } },
    };
  },
);

export const verifyJobAction = defineAction(
  {
    id: "/jobs#verify",
    schema: ZJobRef,
    right: ["request", "download", "configure"],
    event: "getComplianceReport",
    objectType: "export",
    auditable: {},
  },
  async ({ input }) => {
    const result = await verifyJobExport({ jobId: input.jobId });
    return {
      data: result,
      audit: {
        parameters: { job_id: input.jobId, verify: true },
        resultingState: { ok: result.ok, problems: result.problems.length },
      },
    };
  },
);

/** Legal hold needs both download and configure: the export never expires while held. */
export const holdJobAction = defineAction(
  {
    id: "/jobs#hold",
    schema: ZLegalHoldRequest,
    right: { all: ["download", "configure"] },
    event: "holdExport",
    objectType: "export",
    auditable: { jobId: true, reason: true },
  },
  async ({ input, session }) => {
    const change = await setLegalHold({
      jobId: input.jobId,
      hold: true,
      reason: input.reason,
      by: session.user.email,
    });
    return {
      data: change,
      audit: {
        parameters: { job_id: input.jobId },
        resultingState: { legal_hold: true, objects: change.objects, unchanged: change.unchanged },
      },
    };
  },
);

export const releaseJobAction = defineAction(
  {
    id: "/jobs#release",
    schema: ZJobRef,
    right: { all: ["download", "configure"] },
    event: "releaseExport",
    objectType: "export",
    auditable: { jobId: true },
  },
  async ({ input }) => {
    const change = await setLegalHold({ jobId: input.jobId, hold: false, by: "" });
    return {
      data: change,
      audit: {
        parameters: { job_id: input.jobId },
        resultingState: { legal_hold: false, objects: change.objects, unchanged: change.unchanged },
      },
    };
  },
);
