import os from "node:os";
import { z } from "zod";
import { runPolicy } from "../../../jobs/run-policy-now.ts";
import { defineCommand } from "../../define-command.ts";
import { waitForJob } from "../../wait-for-job.ts";

export const run = defineCommand({
  name: "policy run",
  summary: "Run an export policy now (and with --wait, in this process)",
  positionals: ["policy"],
  flags: {
    wait: { type: "boolean", help: "run the job in this process and print the export directory" },
  },
  schema: z.object({ policy: z.string().min(1), wait: z.boolean().default(false) }),
  details:
    "Standard output: the job id; with --wait, then the export directory as the last line. Exit 1 when the job ends in error or is canceled.",
  audit: { event: "runPolicy", objectType: "policy" },
  async run(ctx) {
    const { job, audit } = await runPolicy({
      policy: ctx.input.policy,
      trigger: "cli",
      initiatedBy: "",
      initiatedByLabel: `cli (${os.userInfo().username})`,
    });
    ctx.note(`Created export job ${job.id} (${job.format}) for the policy ${ctx.input.policy}.`);
    ctx.out(job.id);
    if (!ctx.input.wait) return { audit };
    // The run is audited before it starts; the job audits its own status changes.
    await ctx.record("runPolicy", "policy", "success", audit);
    return { exitCode: await waitForJob(job.id, ctx) };
  },
});
