import { z } from "zod";
import { ZAuditEventName } from "../audit/events.ts";
import type { Health } from "../health/check-health.ts";
import type { JobsPage } from "../jobs/list-jobs-page.ts";
import { SELECT_MODES } from "../jobs/job-request.ts";
import type { JobView } from "../jobs/job-view.ts";
import type { Reconciliation } from "../export/reconciliation/reconciliation.ts";
import { CUSTOMER_TYPES, EXPORT_FORMATS, type ExportSettingsView } from "../settings/schema.ts";
import type { TargetView } from "../targets/stored-target.ts";
import { CHANNEL_TYPES } from "../policies/policy-filter.ts";
import type { PolicyView } from "../policies/policy-view.ts";
import { WEEKDAYS } from "../policies/schedule.ts";

// What the HTTP API answers, as zod schemas: they feed the OpenAPI document (lib/api/routes.ts) and
// e2e/api/openapi.spec.ts validates real responses against it. The `Same<…>` lines make the type
// checker fail when a schema and the type the code returns drift apart.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const same = <T extends true>(_: T) => _;

export const ZApiError = z
  .object({ error: z.string(), fieldErrors: z.record(z.string(), z.string()).optional() })
  .meta({ id: "Error" });

export const ZJobView = z
  .object({
    id: z.string(),
    policyId: z.string(),
    policyName: z
      .string()
      .describe('The export policy the job ran for ("default": the Compliance Export\'s).'),
    createdAt: z.number().int(),
    startedAt: z.number().int().nullable(),
    finishedAt: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    trigger: z.string(),
    initiatedBy: z.string(),
    format: z.string(),
    status: z.string(),
    progress: z.number().int().min(0).max(100),
    windowStart: z.number().int().nullable(),
    windowEnd: z.number().int().nullable(),
    select: z
      .enum(SELECT_MODES)
      .nullable()
      .describe(
        "How the window selected posts: created in it, with all their versions up to now, or changed in it; null for a run without a window.",
      ),
    messages: z.number().int(),
    files: z.number().int(),
    warnings: z.number().int(),
    late: z
      .object({ count: z.number().int(), oldest: z.number().int().nullable() })
      .describe("Late arrivals exported first by this run, and the update time of the oldest."),
    delivered: z.number().int().nullable(),
    batches: z.number().int(),
    currentBatch: z.number().int().nullable(),
    error: z.string(),
    exportDir: z.string(),
    targetId: z.string(),
    targetName: z
      .string()
      .describe(
        "The target the export went to (a local directory, an S3 bucket or an archive mailbox).",
      ),
    legalHold: z
      .object({ reason: z.string(), by: z.string(), at: z.number().int().nullable() })
      .nullable()
      .describe("Set while the export is on legal hold: it never expires."),
    downloadable: z.boolean(),
    expiresAt: z.number().int().nullable(),
    expired: z.boolean(),
    refusedDeliveries: z
      .array(
        z.object({
          messageId: z.string(),
          batchNumber: z.number().int(),
          channelId: z.string(),
          postIds: z.array(z.string()),
          posts: z.number().int(),
          reply: z.string(),
          status: z.enum(["refused", "delivered"]),
          resolvedAt: z.string().nullable(),
        }),
      )
      .optional()
      .describe(
        "One job's view of an archive-mailbox export: the emails the archive refused (their posts are not counted in `messages`); `delivered` once a retry got them accepted.",
      ),
  })
  .meta({ id: "Job", description: "An export job; times are epoch milliseconds." });
same<Same<z.output<typeof ZJobView>, JobView>>(true);

const count = z.number().int();
export const ZReconciliation = z
  .object({
    version: z.literal(1),
    job_id: z.string(),
    policy_id: z.string(),
    format: z.string(),
    selection: z.object({
      kind: z.enum(["feed", "window", "posts"]),
      select: z.enum(["created", "changed"]).nullable(),
    }),
    feed: z.object({ from: count.nullable(), to: count }),
    time: z.object({ start: count, end: count }),
    source: z.object({
      posts: count,
      edited_originals: count,
      deleted_posts: count,
      file_infos: count,
      total: count,
    }),
    exported: z.object({ posts: count, batches: count, entries: z.record(z.string(), count) }),
    attachments: z.object({ exported: count, missing: count, hash_mismatched: count }),
    late_arrivals: z.object({ count, oldest: count.nullable() }),
    quarantined: z.object({
      count,
      posts: z.array(z.object({ post_id: z.string(), reason: z.string() })),
    }),
    global_relay: z
      .object({
        emails_built: count,
        delivered: count,
        resent_after_lost_reply: count,
        failed: count,
        failed_posts: count,
      })
      .nullable(),
    unaccounted: count.describe("Records neither exported nor explained: non-zero fails the job."),
  })
  .meta({
    id: "Reconciliation",
    description:
      "What a finished run selected, exported and left out, as its reconciliation.json holds it (docs/reconciliation.md).",
  });
same<Same<z.output<typeof ZReconciliation>, Reconciliation>>(true);

export const ZJobWithReconciliation = ZJobView.extend({
  reconciliation: ZReconciliation.nullable().describe(
    "The finished run's reconciliation; null until the run has finished (and for runs from before reconciliations).",
  ),
}).meta({ id: "JobDetail", description: "An export job with its run's reconciliation." });

export const ZJobsPage = z
  .object({
    jobs: z.array(ZJobView.extend({ size: z.number().int() })),
    next: z.string().nullable(),
    total: z.number().int(),
    revision: z.string(),
    changed: z.boolean(),
    policies: z.array(z.string()),
    policyNames: z.record(z.string(), z.string()),
  })
  .meta({ id: "JobsPage" });
same<Same<z.output<typeof ZJobsPage>, JobsPage>>(true);

export const ZHealth = z
  .object({
    status: z.enum(["ok", "down"]),
    database: z.object({ ok: z.boolean(), error: z.string().optional() }),
    worker: z.object({
      ok: z.boolean(),
      heartbeatAgeSeconds: z.number().nullable(),
      expected: z.boolean(),
    }),
    down: z.array(z.string()),
  })
  .meta({ id: "Health" });
same<Same<z.output<typeof ZHealth>, Health>>(true);

const ZGlobalRelayView = z.object({
  CustomerType: z.enum(CUSTOMER_TYPES),
  SMTPUsername: z.string(),
  EmailAddress: z.string(),
  CustomSMTPServerName: z.string(),
  CustomSMTPPort: z.number().int(),
  SMTPServerTimeout: z.number().int(),
  AllowPlainSMTP: z.boolean(),
  SMTPPasswordSet: z.boolean().meta({ description: "The password itself is write-only." }),
});
export const ZSettingsView = z
  .object({
    EnableExport: z.boolean(),
    DailyRunTime: z.string(),
    TimeZone: z.string(),
    ExportFormat: z.enum(EXPORT_FORMATS),
    ExportFromTimestamp: z.number(),
    BatchSize: z.number().int(),
    ExportAttachments: z.boolean(),
    Destination: z.string().meta({
      description:
        "The id of the target (local directory or S3 bucket) the file formats go to; a PATCH may give its name.",
    }),
    GlobalRelaySettings: ZGlobalRelayView,
  })
  .meta({ id: "MessageExportSettings" });
same<Same<z.output<typeof ZSettingsView>, ExportSettingsView>>(true);
export const ZSettingsResponse = z.object({
  MessageExportSettings: ZSettingsView,
  /** PATCH only: the stored SMTP password was dropped because the server it belonged to changed. */
  passwordCleared: z.boolean().optional(),
});

export const ZAuditRecord = z
  .object({
    timestamp: z.string(),
    event_name: ZAuditEventName,
    status: z.enum(["success", "fail"]),
    actor: z.object({
      user_id: z.string(),
      session_id: z.string(),
      client: z.string(),
      ip_address: z.string(),
    }),
    event: z.object({
      parameters: z.record(z.string(), z.unknown()),
      prior_state: z.record(z.string(), z.unknown()),
      resulting_state: z.record(z.string(), z.unknown()),
      object_type: z.string(),
    }),
    meta: z.object({ api_path: z.string(), cluster_id: z.string() }),
    error: z.object({
      description: z.string().optional(),
      status_code: z.number().int().optional(),
    }),
  })
  .meta({ id: "AuditRecord", description: "Mattermost's audit record shape." });
export const ZAuditsPage = z.object({
  records: z.array(ZAuditRecord),
  next: z.number().int().nullable().meta({ description: "`before` for the next page" }),
});

/** POST /api/v1/exports/{jobId}/links. */
export const ZLinkInput = z
  .object({
    batch: z.number().int().positive().optional(),
    ttlMinutes: z.number().int().min(1).max(10080).optional(),
  })
  .strict();
export const ZLinkResponse = z.object({ url: z.string(), expiresAt: z.number().int() });

export const ZIngestResult = z.object({
  counts: z.record(z.string(), z.number().int()),
  warnings: z.array(z.object({ index: z.number().int(), message: z.string() })),
  warningCount: z.number().int(),
});
export const ZIngestRefusal = z.object({
  error: z.string(),
  errors: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
  errorCount: z.number().int(),
});
export const ZIngestFileResult = z.object({
  fileId: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  linked: z.boolean(),
});

export const ZTargetView = z
  .object({
    id: z.string(),
    kind: z.enum(["local", "s3", "smtp"]),
    name: z.string(),
    config: z
      .record(z.string(), z.unknown())
      .describe("The kind's configuration (lib/targets/schema.ts); never a secret."),
    disabled: z.boolean(),
    secretSet: z.boolean().meta({
      description: "The secret (S3 secret access key, SMTP password) itself is write-only.",
    }),
    builtIn: z.boolean(),
    destination: z.string(),
    retentionDays: z.number().int().nullable(),
    updatedAt: z.number().int(),
  })
  .meta({ id: "Target" });
same<Same<Omit<z.output<typeof ZTargetView>, "config">, Omit<TargetView, "config">>>(true);
export const ZTargetList = z.object({
  targets: z.array(ZTargetView.extend({ inUse: z.string().nullable() })),
});
export const ZConnectionTest = z.object({ ok: z.boolean(), message: z.string() });
export const ZLegalHoldResponse = z.object({
  legalHold: z
    .object({ reason: z.string(), by: z.string(), at: z.number().int().nullable() })
    .nullable(),
  objects: z.number().int(),
});

const ZPolicyFilterView = z.object({
  teams: z.array(z.string()),
  channels: z.array(z.string()),
  excludeChannels: z.array(z.string()),
  channelTypes: z.array(z.enum(CHANNEL_TYPES)),
  users: z.array(z.string()),
  by: z.enum(["conversation", "participant"]),
  notBefore: z.number().int().nullable(),
  notAfter: z.number().int().nullable(),
});

export const ZPolicyView = z
  .object({
    id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    format: z.string(),
    targetId: z.string(),
    targetName: z.string(),
    filter: ZPolicyFilterView.describe("Teams, channels and users by id."),
    filterSummary: z.string(),
    schedule: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("daily"), at: z.string() }),
      z.object({ kind: z.literal("weekly"), days: z.array(z.enum(WEEKDAYS)), at: z.string() }),
      z.object({ kind: z.literal("hours"), every: z.number().int() }),
      z.object({ kind: z.literal("cron"), expression: z.string() }),
    ]),
    scheduleSummary: z.string(),
    timeZone: z.string(),
    batchSize: z.number().int(),
    exportAttachments: z.boolean(),
    decryptAttachments: z.boolean(),
    exportFrom: z.number().int(),
    nextRunAt: z
      .string()
      .nullable()
      .describe("ISO time of the next scheduled run; null when disabled."),
    lastRun: z
      .object({ jobId: z.string(), status: z.string(), finishedAt: z.string().nullable() })
      .nullable(),
    exportedUpTo: z
      .number()
      .int()
      .nullable()
      .describe("Update time (epoch ms) up to which the policy's runs have exported."),
    archivedAt: z.string().nullable(),
  })
  .meta({
    id: "Policy",
    description: "An export policy: which conversations, in which format, to which target, when.",
  });
same<Same<z.output<typeof ZPolicyView>, PolicyView>>(true);

export const ZPolicyList = z.object({ policies: z.array(ZPolicyView) }).meta({ id: "PolicyList" });
export const ZPolicyResponse = z.object({ policy: ZPolicyView });
export const ZPolicyPreview = z
  .object({
    channels: z.number().int(),
    messages: z.number().int(),
    since: z.number().int(),
    until: z.number().int(),
  })
  .meta({
    id: "PolicyPreview",
    description: "What the filter selects among the last 7 days' messages.",
  });
