import { z } from "zod";
import { setLegalHold } from "../../../downloads/set-legal-hold.ts";
import { ZJobId } from "../../../jobs/schema.ts";
import { defineCommand } from "../../define-command.ts";

export const hold = defineCommand({
  name: "jobs hold",
  summary:
    "Put a finished export on legal hold: it never expires (S3 with Object Lock: an S3 legal hold too)",
  positionals: ["id"],
  flags: {
    reason: { type: "string", value: "R", help: "why: a matter, a case number", required: true },
  },
  schema: z.object({
    id: ZJobId,
    reason: z.string().trim().min(1, "give the reason for the hold").max(500),
  }),
  audit: { event: "holdExport", objectType: "export" },
  async run({ input, out }) {
    const change = await setLegalHold({
      jobId: input.id,
      hold: true,
      reason: input.reason,
      by: "cli",
    });
    out(
      change.unchanged
        ? `Job ${input.id} was already on legal hold.`
        : `Job ${input.id} is on legal hold${change.objects ? ` (${change.objects} S3 objects locked)` : ""}.`,
    );
    return {
      audit: {
        parameters: { job_id: input.id, reason: input.reason },
        resultingState: { legal_hold: true, objects: change.objects, unchanged: change.unchanged },
      },
    };
  },
});
