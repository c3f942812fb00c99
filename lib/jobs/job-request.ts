import { z } from "zod";
import { EXPORT_FORMATS } from "../settings/schema.ts";

/**
 * What a job was asked to do, fixed when it is enqueued (ExportJob.data): the format at the
 * Mattermost-compatible settings boundary and, for a ranged or --export-from run, its window. What
 * the run itself needs is planned by the export engine when the job first starts (ExportJob.plan).
 */
/**
 * How a window selects posts: `changed` — changed in it (Mattermost's --start/--end); `created` —
 * created in it, with every later version up to now (what a regulator or a court asks for).
 */
export const SELECT_MODES = ["created", "changed"] as const;
export type SelectMode = (typeof SELECT_MODES)[number];
export const SELECT_MODE_LABELS: Record<SelectMode, string> = {
  created: "Created in range",
  changed: "Changed in range",
};

export const ZJobRequest = z.object({
  format: z.enum(EXPORT_FORMATS),
  /** A ranged run [start, end], or an --export-from run (end = when it starts). */
  window: z
    .object({
      start: z.number().int().nonnegative(),
      end: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** For a window: posts changed in it (Mattermost's --start/--end), or created in it with all their later versions. */
  select: z.enum(SELECT_MODES).optional(),
  /** `export --only-quarantined`: the policy's quarantined posts, again (lib/export/quarantine). */
  onlyQuarantined: z.literal(true).optional(),
});
export type JobRequest = z.infer<typeof ZJobRequest>;

/** The selection a job's window uses (null without a window); requests stored before `select` existed selected by change. */
export function selectModeOf(request: JobRequest): SelectMode | null {
  return request.window ? (request.select ?? "changed") : null;
}

/** The request of a job row; rows written before requests were typed carry Mattermost's keys. */
export function parseJobRequest(json: string, fallbackFormat: string): JobRequest {
  let raw: Record<string, unknown> = {};
  try {
    const value = JSON.parse(json) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value))
      raw = value as Record<string, unknown>;
  } catch {
    // an unreadable request is treated as an empty one
  }
  if (raw.format === undefined) {
    const start = raw.requested_start ?? raw.job_start_time;
    raw = {
      format: raw.export_type ?? fallbackFormat,
      window:
        raw.requested_start !== undefined
          ? {
              start: Number(start),
              ...(raw.requested_end !== undefined ? { end: Number(raw.requested_end) } : {}),
            }
          : undefined,
    };
  }
  return ZJobRequest.parse(raw);
}
