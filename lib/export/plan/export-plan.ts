import { z } from "zod";
import { ZPolicyFilter } from "../../policies/policy-filter.ts";
import type { ExportFormat } from "../../settings/schema.ts";
import { emptyTally, ZTally } from "../reconciliation/tally.ts";

/** What the batch writers produce; Mattermost's `globalrelay` and `globalrelay-zip` are both EML. */
export const WRITER_FORMATS = ["csv", "actiance", "json", "eml"] as const;
export type WriterFormat = (typeof WRITER_FORMATS)[number];

export function writerFormatOf(format: ExportFormat): WriterFormat {
  return format === "globalrelay" || format === "globalrelay-zip" ? "eml" : format;
}

/** A position in (updateAt, id) order. */
export const ZKey = z.object({ updateAt: z.number().int(), postId: z.string() });
export type Key = z.infer<typeof ZKey>;

const count = z.number().int().nonnegative();

/**
 * The export engine's plan for one job, fixed when the job first starts and kept in
 * ExportJob.plan, so a resumed job finishes exactly as it began (RELIABILITY.md check 10) whatever
 * changed in the settings meanwhile. Read once, here: the format, the window, the batch size,
 * attachments on/off, the time zone of names, the directory, the target id. What is *not* in the
 * plan: the target's own configuration (destination, credentials), read from the target when a
 * worker (re)starts the job, so a corrected password takes effect on the next attempt.
 */
export const ZExportPlan = z.object({
  version: z.literal(1),
  policyId: z.string(),
  format: z.enum(WRITER_FORMATS),
  targetId: z.string(),
  /**
   * Which posts. `feed`: what the change feed holds for the policy beyond its cursor — every row
   * stamped in (feedFrom, feedTo] that the regions do not mark as exported, from exportFrom on;
   * the rows older than the frontier (late arrivals) first, in batches of their own. `window`: a
   * fixed time window, by last change (Mattermost's --start/--end) or by creation with every later
   * version (what a regulator asks for), as the feed stood at feedTo.
   */
  selection: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("feed"),
      feedFrom: count,
      feedTo: count,
      regions: z.array(z.object({ seqTo: count, keyTo: ZKey })),
      frontier: ZKey,
      exportFrom: z.number().int(),
    }),
    z.object({
      kind: z.literal("window"),
      select: z.enum(["changed", "created"]).default("changed"),
      start: z.number().int(),
      end: z.number().int(),
      feedTo: count,
    }),
    /** `export --only-quarantined`: these posts, as they stand at feedTo (lib/export/quarantine). */
    z.object({ kind: z.literal("posts"), postIds: z.array(z.string()).min(1), feedTo: count }),
  ]),
  /** The policy's filter (lib/policies), applied in the queries; null: every conversation. Older plans read as null. */
  scope: ZPolicyFilter.nullable().default(null),
  /** The late arrivals' time span (feed runs with late arrivals): their channel window. */
  lateWindow: z.object({ start: z.number().int(), end: z.number().int() }).nullable(),
  /** Mattermost's job_start_time / job_end_time: the window the directory and batch names show. */
  jobStartTime: z.number().int(),
  jobEndTime: z.number().int(),
  exportDir: z.string(),
  batchSize: z.number().int().positive(),
  exportAttachments: z.boolean(),
  /**
   * true: attachments are exported in plaintext. false: as their stored AES-256-GCM ciphertext,
   * each batch zip ending with encryption.json (docs/attachment-encryption.md); zip formats only.
   * Plans stored before this field existed read as true.
   */
  decryptAttachments: z.boolean().default(true),
  timeZone: z.string(),
  /** Late arrivals older than this (behind the frontier) make the run end `warning`. */
  lateWarningMs: z.number().int().positive(),
  /** Posts the job expects to export (for the progress bar), counted when it first starts. */
  expected: count,
  progress: z.object({
    /** late: exporting the late arrivals; normal: the rest. */
    phase: z.enum(["late", "normal"]),
    /** The last post of the last recorded batch of the phase (its start before the first). */
    cursor: ZKey,
    batches: count,
    messages: count,
    files: count,
    warnings: count,
    emailsDelivered: count,
    /** Late arrivals exported, and the update time of the oldest. */
    late: z.object({ count, oldest: z.number().int().nullable() }),
    /** The run's counts for its reconciliation; plans stored before it start from zero. */
    tally: ZTally.default(emptyTally),
  }),
});
export type ExportPlan = z.infer<typeof ZExportPlan>;

/** Whether the oldest late arrival lagged behind what earlier runs covered by more than the threshold. */
export function lateBeyondThreshold(plan: ExportPlan): boolean {
  const oldest = plan.progress.late.oldest;
  return (
    plan.selection.kind === "feed" &&
    oldest !== null &&
    plan.selection.frontier.updateAt - oldest > plan.lateWarningMs
  );
}

export function parseExportPlan(json: string): ExportPlan {
  return ZExportPlan.parse(JSON.parse(json));
}
