import { z } from "zod";
import { db } from "../../../db/client.ts";
import { setLegalHold } from "../../../downloads/set-legal-hold.ts";
import { ZJobId } from "../../../jobs/schema.ts";
import { defineCommand } from "../../define-command.ts";

export const release = defineCommand({
  name: "jobs release",
  summary: "Release an export from legal hold: it expires again with its target's retention",
  positionals: ["id"],
  schema: z.object({ id: ZJobId }),
  audit: { event: "releaseExport", objectType: "export" },
  async run({ input, out }) {
    const before = await db().exportJob.findUnique({
      where: { id: input.id },
      select: { legalHoldReason: true, legalHoldBy: true },
    });
    const change = await setLegalHold({ jobId: input.id, hold: false, by: "cli" });
    out(
      change.unchanged
        ? `Job ${input.id} was not on legal hold.`
        : `Job ${input.id} is released from legal hold.`,
    );
    return {
      audit: {
        parameters: { job_id: input.id },
        priorState: {
          legal_hold: true,
          reason: before?.legalHoldReason ?? "",
          by: before?.legalHoldBy ?? "",
        },
        resultingState: { legal_hold: false, objects: change.objects, unchanged: change.unchanged },
      },
    };
  },
});
