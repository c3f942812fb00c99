import { z } from "zod";
import { cancelJob } from "../../../jobs/cancel-job.ts";
import { ZJobId } from "../../../jobs/schema.ts";
import { defineCommand } from "../../define-command.ts";

export const cancel = defineCommand({
  name: "jobs cancel",
  summary: "Cancel a pending or running job (a running one stops after its current batch)",
  positionals: ["id"],
  schema: z.object({ id: ZJobId }),
  audit: { event: "cancelJob", objectType: "job" },
  async run({ input, out }) {
    const change = await cancelJob({ jobId: input.id });
    out(`Job ${input.id}: ${change.after}`);
    return {
      audit: {
        parameters: { job_id: input.id },
        priorState: { status: change.before },
        resultingState: { status: change.after },
      },
    };
  },
});
