import { z } from "zod";
import { ZAuditQuery } from "../audit/schema.ts";
import type { Requirement } from "../auth/rights.ts";
import { ZJobsPageQuery } from "../jobs/list-jobs-page.ts";
import { ZCreateJobInput, ZJobId } from "../jobs/schema.ts";
import { ZLegalHoldInput } from "../downloads/set-legal-hold.ts";
import { ZExportSettingsInput, ZGlobalRelaySettingsInput } from "../settings/schema.ts";
import { ZTargetInput } from "../targets/schema.ts";
import { ZPolicyInput, ZPolicyPatch, ZPolicyPreviewInput } from "../policies/policy-schema.ts";
import {
  ZApiError,
  ZAuditsPage,
  ZConnectionTest,
  ZLegalHoldResponse,
  ZTargetList,
  ZTargetView,
  ZHealth,
  ZIngestFileResult,
  ZIngestRefusal,
  ZIngestResult,
  ZJobsPage,
  ZJobView,
  ZJobWithReconciliation,
  ZLinkInput,
  ZLinkResponse,
  ZSettingsResponse,
  ZPolicyList,
  ZPolicyPreview,
  ZPolicyResponse,
} from "./schemas.ts";

/** Who may call a route: the OpenAPI security requirement and the x-custodian-right extension. */
export type ApiAccess =
  | { kind: "public" }
  | { kind: "admin"; right: Requirement }
  | { kind: "ingest-token" }
  | { kind: "metrics" };

type Body = { schema?: z.ZodType; contentType?: string; description: string };

export type ApiRoute = {
  method: "get" | "post" | "patch" | "put" | "delete";
  /** OpenAPI form: /api/v1/jobs/{jobId} (the app folder is app/api/v1/jobs/[jobId]). */
  path: string;
  summary: string;
  description?: string;
  access: ApiAccess;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; contentType?: string };
  responses: Record<number, Body>;
  /** The audit event the route writes. */
  audit?: string;
};

const json = (schema: z.ZodType, description: string): Body => ({ schema, description });
const refusal = (description: string): Body => ({ schema: ZApiError, description });
const ADMIN_ERRORS = {
  401: refusal("No valid session or API token."),
  403: refusal("The admin lacks the right (audited)."),
};
const jobParams = z.object({ jobId: ZJobId });
const targetParams = z.object({ targetId: z.string().max(200) });
const HOLD: Requirement = { all: ["download", "configure"] };
const READ_JOBS: Requirement = ["request", "download", "configure"];
const policyParams = z.object({
  policyId: z.string().max(200).describe("The policy's id or name."),
});

/** PATCH accepts any subset of the settings, nested too, with the form's rules. */
const ZSettingsPatch = z
  .object(ZExportSettingsInput.shape)
  .partial()
  .extend({ GlobalRelaySettings: ZGlobalRelaySettingsInput.partial().optional() });

/**
 * THE ONE PLACE every HTTP route is described. A new route under app/api/ adds its entry here,
 * using the zod schemas its handler parses with; lib/api/openapi.test.ts fails for a route file
 * without an entry, and e2e/api/openapi.spec.ts for one in the build without one.
 */
export const API_ROUTES: ApiRoute[] = [
  {
    method: "get",
    path: "/api/health",
    summary: "Liveness: the database and a fresh worker heartbeat",
    access: { kind: "public" },
    responses: {
      200: json(ZHealth, "Up."),
      503: json(ZHealth, "Something is down; `down` names it."),
    },
  },
  {
    method: "get",
    path: "/api/metrics",
    summary: "Prometheus metrics",
    access: { kind: "metrics" },
    responses: {
      200: {
        schema: z.string(),
        contentType: "text/plain; version=0.0.4",
        description: "Prometheus text format.",
      },
      401: refusal("No metrics or API token."),
    },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document",
    description: "Public: it describes the API, not any data.",
    access: { kind: "public" },
    responses: { 200: json(z.record(z.string(), z.unknown()), "The OpenAPI 3.1 document.") },
  },
  {
    method: "get",
    path: "/api/v1/jobs",
    summary: "A page of export jobs",
    description:
      "Newest first by default. `before` is the `next` of the previous page (a job id) or a time. `poll=1` (the console's live refresh) is not audited.",
    access: { kind: "admin", right: READ_JOBS },
    query: ZJobsPageQuery.extend({ poll: z.literal("1").optional() }),
    responses: {
      200: json(ZJobsPage, "The page."),
      400: refusal("A query parameter is not valid."),
      ...ADMIN_ERRORS,
    },
    audit: "getComplianceReports",
  },
  {
    method: "post",
    path: "/api/v1/jobs",
    summary: "Start an export now",
    description:
      "Continues the daily cursor, or exports a window: `exportFrom`, or `start` and `end` (epoch ms or ISO 8601).",
    access: { kind: "admin", right: "request" },
    body: { schema: ZCreateJobInput },
    responses: {
      201: json(z.object({ job: ZJobView }), "Created."),
      400: refusal("Invalid input."),
      ...ADMIN_ERRORS,
      409: refusal("An export of the policy is already pending or running."),
    },
    audit: "createJob",
  },
  {
    method: "get",
    path: "/api/v1/jobs/{jobId}",
    summary: "One export job",
    access: { kind: "admin", right: READ_JOBS },
    params: jobParams,
    responses: {
      200: json(z.object({ job: ZJobWithReconciliation }), "The job, with its reconciliation."),
      ...ADMIN_ERRORS,
      404: refusal("No such job."),
    },
    audit: "getComplianceReport",
  },
  {
    method: "post",
    path: "/api/v1/jobs/{jobId}/cancel",
    summary: "Cancel a pending or running job",
    access: { kind: "admin", right: "request" },
    params: jobParams,
    responses: {
      200: json(z.object({ status: z.string() }), "The job's new status."),
      ...ADMIN_ERRORS,
      404: refusal("No such job."),
      409: refusal("The job has finished."),
    },
    audit: "cancelJob",
  },
  {
    method: "post",
    path: "/api/v1/jobs/{jobId}/retry-deliveries",
    summary: "Send the emails the archive refused again",
    description:
      "A finished Global Relay (SMTP) job: re-renders the batches that had refused emails and sends only those, under the same Message-IDs; accepted ones count as exported. The job's view lists them in `refusedDeliveries`.",
    access: { kind: "admin", right: "request" },
    params: jobParams,
    responses: {
      200: json(
        z.object({
          delivered: z.number().int(),
          posts: z.number().int(),
          refused: z.number().int(),
          changed: z.number().int(),
          possibleDuplicates: z.number().int(),
        }),
        "What the archive did with them.",
      ),
      ...ADMIN_ERRORS,
      404: refusal("No such job."),
      409: refusal("Still running, not a mailbox export, or nothing refused."),
    },
    audit: "retryDeliveries",
  },
  {
    method: "post",
    path: "/api/v1/jobs/{jobId}/hold",
    summary: "Put a finished export on legal hold",
    description:
      "Needs both `download` and `configure`. A held export never expires; on an S3 target whose bucket has Object Lock every object also gets an S3 legal hold.",
    access: { kind: "admin", right: HOLD },
    params: jobParams,
    body: { schema: ZLegalHoldInput },
    responses: {
      200: json(ZLegalHoldResponse, "Held."),
      400: refusal("No reason."),
      ...ADMIN_ERRORS,
      404: refusal("No such export."),
      409: refusal("Still running."),
      410: refusal("The files were already deleted."),
      502: refusal("The bucket refused the S3 legal hold."),
    },
    audit: "holdExport",
  },
  {
    method: "post",
    path: "/api/v1/jobs/{jobId}/release",
    summary: "Release an export from legal hold",
    access: { kind: "admin", right: HOLD },
    params: jobParams,
    responses: {
      200: json(ZLegalHoldResponse, "Released."),
      ...ADMIN_ERRORS,
      404: refusal("No such export."),
      409: refusal("Still running."),
      502: refusal("The bucket refused to lift the S3 legal hold."),
    },
    audit: "releaseExport",
  },
  {
    method: "get",
    path: "/api/v1/targets",
    summary: "The export targets (local directories, S3 buckets, archive mailboxes)",
    description: "Secrets never leave the server: `secretSet` says whether one is stored.",
    access: { kind: "admin", right: "configure" },
    responses: { 200: json(ZTargetList, "Every target, with what uses it."), ...ADMIN_ERRORS },
    audit: "getConfig",
  },
  {
    method: "post",
    path: "/api/v1/targets",
    summary: "Add an export target",
    description:
      "`secret` is the S3 secret access key or the SMTP password: write-only, bound to the endpoint it is entered for.",
    access: { kind: "admin", right: "configure" },
    body: { schema: ZTargetInput },
    responses: {
      201: json(z.object({ target: ZTargetView }), "Added."),
      400: refusal("Invalid values (fieldErrors by path)."),
      ...ADMIN_ERRORS,
      409: refusal("The name is taken."),
    },
    audit: "createTarget",
  },
  {
    method: "patch",
    path: "/api/v1/targets/{targetId}",
    summary: "Change an export target",
    description:
      "Fields left out keep their values. A stored secret is kept unless the endpoint fields it belongs to change: then give it again (400 otherwise).",
    access: { kind: "admin", right: "configure" },
    params: targetParams,
    body: {
      schema: z
        .object({
          name: z.string(),
          disabled: z.boolean(),
          config: z.record(z.string(), z.unknown()),
          secret: z.string(),
        })
        .partial(),
    },
    responses: {
      200: json(z.object({ target: ZTargetView, secretCleared: z.boolean() }), "Changed."),
      400: refusal("Invalid values."),
      ...ADMIN_ERRORS,
      404: refusal("No such target."),
      409: refusal("In use, or the name is taken."),
    },
    audit: "patchTarget",
  },
  {
    method: "delete",
    path: "/api/v1/targets/{targetId}",
    summary: "Remove an export target",
    description:
      "Refused for the built-in targets and while the Compliance Export (or a running job) uses it.",
    access: { kind: "admin", right: "configure" },
    params: targetParams,
    responses: {
      200: json(z.object({ removed: z.string() }), "Removed."),
      ...ADMIN_ERRORS,
      404: refusal("No such target."),
      409: refusal("Built in, or in use."),
    },
    audit: "deleteTarget",
  },
  {
    method: "post",
    path: "/api/v1/targets/{targetId}/test",
    summary: "Test a target's connection",
    description:
      "S3: write, read back and delete a probe object; SMTP: connect, STARTTLS, AUTH, QUIT; a directory: write and delete a probe file. At most 5 connection tests per admin per 10 minutes.",
    access: { kind: "admin", right: "configure" },
    params: targetParams,
    responses: {
      200: json(ZConnectionTest, "The outcome (ok false with the server's answer when it failed)."),
      ...ADMIN_ERRORS,
      404: refusal("No such target."),
      429: refusal("Too many connection tests."),
    },
    audit: "testTargetConnection",
  },
  {
    method: "get",
    path: "/api/v1/policies",
    summary: "The export policies",
    description:
      "Each with its filter (and a summary), schedule and next run, last run status and how far it has exported. Anyone with an export right may list them.",
    access: { kind: "admin", right: READ_JOBS },
    responses: {
      200: json(ZPolicyList, "The policies that are not archived, the default one first."),
      ...ADMIN_ERRORS,
    },
    audit: "getConfig",
  },
  {
    method: "post",
    path: "/api/v1/policies",
    summary: "Add an export policy",
    description:
      "Teams, channels and users may be given by id or name (stored as ids). Enabled, it exports from now on.",
    access: { kind: "admin", right: "configure" },
    body: { schema: ZPolicyInput },
    responses: {
      201: json(ZPolicyResponse, "Added."),
      400: refusal("Invalid values (fieldErrors by path)."),
      ...ADMIN_ERRORS,
      409: refusal("The name is taken (archived policies keep theirs)."),
    },
    audit: "createPolicy",
  },
  {
    method: "post",
    path: "/api/v1/policies/preview",
    summary: "Preview a filter",
    description:
      "How many channels and messages of the last 7 days the filter selects, counted with the export's own query.",
    access: { kind: "admin", right: "configure" },
    body: { schema: ZPolicyPreviewInput },
    responses: {
      200: json(ZPolicyPreview, "The counts."),
      400: refusal("Invalid filter, or a name that matches nothing."),
      ...ADMIN_ERRORS,
    },
    audit: "getConfig",
  },
  {
    method: "get",
    path: "/api/v1/policies/{policyId}",
    summary: "One export policy",
    access: { kind: "admin", right: READ_JOBS },
    params: policyParams,
    responses: {
      200: json(ZPolicyResponse, "The policy."),
      ...ADMIN_ERRORS,
      404: refusal("No such policy."),
    },
    audit: "getConfig",
  },
  {
    method: "patch",
    path: "/api/v1/policies/{policyId}",
    summary: "Change an export policy",
    description:
      "Fields left out keep their values. Disabling keeps the policy's cursor; enabling it the first time sets its export-from moment.",
    access: { kind: "admin", right: "configure" },
    params: policyParams,
    body: { schema: ZPolicyPatch },
    responses: {
      200: json(
        ZPolicyResponse.extend({ changed: z.boolean() }),
        "Changed (or nothing to change).",
      ),
      400: refusal("Invalid values."),
      ...ADMIN_ERRORS,
      404: refusal("No such policy."),
      409: refusal("The name is taken."),
    },
    audit: "patchPolicy",
  },
  {
    method: "delete",
    path: "/api/v1/policies/{policyId}",
    summary: "Remove an export policy",
    description:
      "The policy is archived: its jobs and exports stay, its name stays reserved. The default policy cannot be removed.",
    access: { kind: "admin", right: "configure" },
    params: policyParams,
    responses: {
      200: json(z.object({ removed: z.string() }), "Archived."),
      ...ADMIN_ERRORS,
      404: refusal("No such policy."),
      409: refusal("The default policy."),
    },
    audit: "deletePolicy",
  },
  {
    method: "post",
    path: "/api/v1/policies/{policyId}/run",
    summary: "Run an export policy now",
    description: "A job continuing the policy's cursor, like its schedule's.",
    access: { kind: "admin", right: "request" },
    params: policyParams,
    responses: {
      201: json(z.object({ job: ZJobView }), "Created."),
      ...ADMIN_ERRORS,
      404: refusal("No such policy."),
      409: refusal("Disabled, its target is unusable, or one of its jobs is pending or running."),
    },
    audit: "runPolicy",
  },
  {
    method: "get",
    path: "/api/v1/exports/{jobId}/download",
    summary: "Download a finished export (a zip of its batches, or ?batch=N)",
    description: "With `link` (a signed link from POST …/links) no session or token is needed.",
    access: { kind: "admin", right: "download" },
    params: jobParams,
    query: z.object({
      batch: z
        .string()
        .regex(/^[1-9][0-9]{0,6}$/)
        .optional(),
      link: z.string().max(1000).optional(),
    }),
    responses: {
      200: {
        schema: z.string().meta({ format: "binary" }),
        contentType: "application/zip",
        description: "The zip.",
      },
      400: refusal("Invalid batch."),
      ...ADMIN_ERRORS,
      404: refusal("No such export or batch."),
      409: refusal("The export has no files."),
      410: refusal("The export has expired."),
    },
    audit: "downloadComplianceReport",
  },
  {
    method: "post",
    path: "/api/v1/exports/{jobId}/links",
    summary: "Issue a signed, short-lived download link",
    access: { kind: "admin", right: "download" },
    params: jobParams,
    body: { schema: ZLinkInput },
    responses: {
      201: json(ZLinkResponse, "The link (a path on this server) and its expiry (epoch ms)."),
      400: refusal("Invalid input."),
      ...ADMIN_ERRORS,
      404: refusal("No such export."),
      409: refusal("No files."),
      410: refusal("Expired."),
    },
    audit: "generatePresignURLExport",
  },
  {
    method: "get",
    path: "/api/v1/audits",
    summary:
      "The audit log, filtered, 50 records a page (or ?download=jsonl: every match as JSON lines)",
    access: { kind: "admin", right: "audit" },
    query: ZAuditQuery.extend({ download: z.literal("jsonl").optional() }),
    responses: {
      200: json(ZAuditsPage, "The page (JSON), or JSON lines with ?download=jsonl."),
      400: refusal("A filter is not valid."),
      ...ADMIN_ERRORS,
    },
    audit: "getAudits",
  },
  {
    method: "get",
    path: "/api/v1/config/export",
    summary: "The Compliance Export settings (the SMTP password never leaves the server)",
    access: { kind: "admin", right: "configure" },
    responses: { 200: json(ZSettingsResponse, "The settings."), ...ADMIN_ERRORS },
    audit: "getConfig",
  },
  {
    method: "patch",
    path: "/api/v1/config/export",
    summary: "Change some settings, with the console's rules",
    access: { kind: "admin", right: "configure" },
    body: { schema: ZSettingsPatch },
    responses: {
      200: json(ZSettingsResponse, "The settings after the change."),
      400: refusal("Invalid values (fieldErrors by path)."),
      ...ADMIN_ERRORS,
    },
    audit: "patchConfig",
  },
  {
    method: "post",
    path: "/api/v1/ingest",
    summary: "Load chat records (docs/ingest.md), all or nothing",
    description: 'A JSON array of `{"type": T, T: {...}}` records; idempotent by id.',
    access: { kind: "ingest-token" },
    body: { schema: z.array(z.object({ type: z.string() }).catchall(z.unknown())) },
    responses: {
      200: json(ZIngestResult, "Every record was written."),
      400: refusal("Not a JSON array."),
      401: refusal("No valid ingest token."),
      413: refusal("Larger than CUSTODIAN_INGEST_MAX_BYTES."),
      415: refusal("Not application/json."),
      422: json(ZIngestRefusal, "Some records are invalid; nothing was written."),
      503: refusal(
        "Other writers held the database past CUSTODIAN_INGEST_LOCK_WAIT_SECONDS; nothing was written. Retry after `Retry-After` seconds.",
      ),
    },
    audit: "bulkImport",
  },
  {
    method: "post",
    path: "/api/v1/ingest/files/{fileId}",
    summary: "Upload an attachment's bytes (the raw body)",
    access: { kind: "ingest-token" },
    params: z.object({ fileId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/) }),
    body: {
      schema: z.string().meta({ format: "binary" }),
      contentType: "application/octet-stream",
    },
    responses: {
      201: json(ZIngestFileResult, "Stored."),
      400: refusal("Invalid file id or no body."),
      401: refusal("No valid ingest token."),
      413: refusal("Larger than CUSTODIAN_INGEST_MAX_FILE_BYTES."),
      503: refusal(
        "The database stayed busy; the bytes are stored, not yet linked. Retry after `Retry-After` seconds.",
      ),
    },
    audit: "bulkImport",
  },
];
