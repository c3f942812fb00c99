import { z } from "zod";
import { retryRefusedDeliveries } from "../../../export/retry-refused-deliveries.ts";
import { ZJobId } from "../../../jobs/schema.ts";
import { defineCommand } from "../../define-command.ts";

export const retryDeliveries = defineCommand({
  name: "jobs retry-deliveries",
  summary: "Send the emails the archive refused (5xx) again, under the same Message-IDs",
  positionals: ["id"],
  schema: z.object({ id: ZJobId }),
  json: true,
  details:
    "Only a finished Global Relay (SMTP) job. `jobs show <id>` lists its refused emails. Exit 1 when any is still refused.",
  audit: { event: "retryDeliveries", objectType: "job" },
  async run({ input, emit }) {
    const result = await retryRefusedDeliveries({ jobId: input.id });
    emit(result, (r) => [
      `${r.delivered} email(s) accepted (${r.posts} post(s)), ${r.refused} refused again${r.changed ? `, ${r.changed} no longer the same (posts changed since; not sent)` : ""}.`,
    ]);
    return {
      exitCode: result.refused + result.changed > 0 ? 1 : 0,
      audit: { parameters: { job_id: input.id }, resultingState: { ...result } },
    };
  },
});
