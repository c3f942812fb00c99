import { z } from "zod";
import { EXPORT_FORMATS } from "../settings/schema.ts";
import { SELECT_MODES } from "./job-request.ts";

/** A time given as epoch milliseconds or an ISO 8601 date-time (with a zone or Z). */
export const ZInstant = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms =
    typeof v === "number"
      ? v
      : /^\d{1,16}$/.test(v)
        ? Number(v)
        : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v)
          ? Date.parse(v)
          : NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    ctx.addIssue({
      code: "custom",
      message:
        "Give a time as epoch milliseconds or an ISO 8601 time such as 2026-01-31T00:00:00Z.",
    });
    return z.NEVER;
  }
  // Seconds were a documented Mattermost mistake (MM-49009): a 10-digit value is almost surely seconds.
  if (ms > 0 && ms < 100_000_000_000) {
    ctx.addIssue({
      code: "custom",
      message: `${ms} looks like seconds; give milliseconds (${ms * 1000}).`,
    });
    return z.NEVER;
  }
  return ms;
});

/** Run-now and CLI/API job creation: optional format override and window. */
export const ZCreateJobInput = z
  .object({
    format: z
      .enum(EXPORT_FORMATS, "Choose csv, actiance, globalrelay, globalrelay-zip or json.")
      .optional(),
    exportFrom: ZInstant.optional(),
    start: ZInstant.optional(),
    end: ZInstant.optional(),
    /** With start and end: posts changed in the window (the default) or created in it, with all their versions up to now. */
    select: z.enum(SELECT_MODES, "Choose created or changed.").optional(),
    /** Export the quarantined posts again (after a fix); no window. */
    onlyQuarantined: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const now = Date.now();
    if (v.exportFrom !== undefined && (v.start !== undefined || v.end !== undefined))
      ctx.addIssue({
        code: "custom",
        path: ["exportFrom"],
        message: "Use either exportFrom or start and end, not both.",
      });
    if (
      v.onlyQuarantined &&
      (v.start !== undefined || v.end !== undefined || v.exportFrom !== undefined)
    )
      ctx.addIssue({
        code: "custom",
        path: ["onlyQuarantined"],
        message: "onlyQuarantined takes no time range.",
      });
    if (v.select !== undefined && v.start === undefined)
      ctx.addIssue({ code: "custom", path: ["select"], message: "select needs start and end." });
    if ((v.start === undefined) !== (v.end === undefined))
      ctx.addIssue({
        code: "custom",
        path: [v.start === undefined ? "start" : "end"],
        message: "Give both start and end.",
      });
    if (v.start !== undefined && v.end !== undefined && v.end < v.start)
      ctx.addIssue({ code: "custom", path: ["end"], message: "The end is before the start." });
    for (const key of ["exportFrom", "start", "end"] as const) {
      const value = v[key];
      if (value !== undefined && value > now + 60_000)
        ctx.addIssue({ code: "custom", path: [key], message: "This time is in the future." });
    }
  });
export type TCreateJobInput = z.output<typeof ZCreateJobInput>;

export const ZJobId = z.string().regex(/^[0-9a-f-]{36}$/, "Not a job id.");
export const ZJobRef = z.object({ jobId: ZJobId }).strict();

/** "Run Compliance Export Now" takes no input. */
export const ZRunNowInput = z.object({}).strict();
