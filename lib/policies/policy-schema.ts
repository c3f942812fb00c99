import { z } from "zod";
import { EXPORT_FORMATS, isTimeZone } from "../settings/schema.ts";
import { ZPolicyFilter } from "./policy-filter.ts";
import { ZSchedule } from "./schedule.ts";

const wholeNumber = (label: string, min: number, max: number) =>
  z.coerce
    .number(`${label} must be a whole number.`)
    .int(`${label} must be a whole number.`)
    .min(min, `${label} must be at least ${min}.`)
    .max(max, `${label} must be at most ${max}.`);

const fields = {
  name: z
    .string()
    .trim()
    .min(1, "Enter a name.")
    .max(100, "At most 100 characters.")
    .regex(/^[^\r\n\0/]+$/, "A name has no line breaks or slashes."),
  enabled: z.boolean(),
  format: z.enum(EXPORT_FORMATS, "Choose an export format."),
  /** A target id or name (stored as its id). */
  target: z.string().trim().min(1, "Choose a target.").max(200),
  /** Teams, channels and users by id or name (stored as ids). */
  filter: ZPolicyFilter,
  schedule: ZSchedule,
  timeZone: z
    .string()
    .refine(isTimeZone, "Choose a time zone from the list (an IANA name such as Europe/London)."),
  batchSize: wholeNumber("Batch size", 1, 1_000_000),
  exportAttachments: z.boolean(),
  decryptAttachments: z.boolean(),
};

function formatRules(v: { format?: string; decryptAttachments?: boolean }, ctx: z.RefinementCtx) {
  if (
    v.decryptAttachments === false &&
    (v.format === "globalrelay" || v.format === "globalrelay-zip")
  )
    ctx.addIssue({
      code: "custom",
      path: ["decryptAttachments"],
      message:
        "Global Relay emails carry attachments decrypted; keep them encrypted only in a zip format (CSV, Actiance XML, JSON).",
    });
}

/** A new policy: the policy form, POST /api/v1/policies and `policy add`. */
export const ZPolicyInput = z
  .object({
    ...fields,
    enabled: fields.enabled.default(true),
    filter: fields.filter.default(ZPolicyFilter.parse({})),
    schedule: fields.schedule.default({ kind: "daily", at: "01:00" }),
    timeZone: fields.timeZone.default("UTC"),
    batchSize: fields.batchSize.default(10000),
    exportAttachments: fields.exportAttachments.default(true),
    decryptAttachments: fields.decryptAttachments.default(true),
  })
  .superRefine(formatRules);
export type TPolicyInput = z.input<typeof ZPolicyInput>;
export type TPolicyParsed = z.output<typeof ZPolicyInput>;

/** A change: any subset of the fields (PATCH /api/v1/policies/{id}, `policy update`). */
export const ZPolicyPatch = z.object(fields).partial().superRefine(formatRules);
export type TPolicyPatch = z.output<typeof ZPolicyPatch>;

/** What the preview counts: the filter being edited. */
export const ZPolicyPreviewInput = z.object({ filter: ZPolicyFilter });
export type TPolicyPreviewInput = z.input<typeof ZPolicyPreviewInput>;

export const ZPolicyId = z.string().trim().min(1).max(200);

/** One policy, by id (the console's delete and run-now). */
export const ZPolicyRef = z.object({ id: ZPolicyId });

/** The console's edit: which policy, and what changes. */
export const ZPolicyChange = z.object({ id: ZPolicyId, patch: ZPolicyPatch });
