import { z } from "zod";
import type { ExportFormat } from "../../settings/schema.ts";

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
  /** Which posts: from the policy's cursor (moves it), or every post changed in a fixed window. */
  selection: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("cursor"), from: ZKey }),
    z.object({ kind: z.literal("window"), start: z.number().int(), end: z.number().int() }),
  ]),
  /** Mattermost's job_start_time / job_end_time: the window the directory and batch names show. */
  jobStartTime: z.number().int(),
  jobEndTime: z.number().int(),
  exportDir: z.string(),
  batchSize: z.number().int().positive(),
  exportAttachments: z.boolean(),
  timeZone: z.string(),
  /** Posts the job expects to export (for the progress bar), counted when it first starts. */
  expected: count,
  progress: z.object({
    /** The last post of the last recorded batch. */
    cursor: ZKey,
    batches: count,
    messages: count,
    files: count,
    warnings: count,
    emailsDelivered: count,
  }),
});
export type ExportPlan = z.infer<typeof ZExportPlan>;

export function parseExportPlan(json: string): ExportPlan {
  return ZExportPlan.parse(JSON.parse(json));
}
