import { z } from "zod";
import { removePolicy } from "../../../policies/policy-actions.ts";
import { defineCommand } from "../../define-command.ts";

export const remove = defineCommand({
  name: "policy remove",
  summary:
    "Remove an export policy: it is archived (its jobs and exports stay, its name stays taken)",
  positionals: ["policy"],
  schema: z.object({ policy: z.string().min(1) }),
  audit: { event: "deletePolicy", objectType: "policy" },
  async run({ input, note, out }) {
    const { removed, audit } = await removePolicy(input.policy);
    note(
      `Removed the policy ${input.policy}; its ${String(audit.resultingState?.jobs_kept ?? 0)} jobs and their exports are kept.`,
    );
    out(removed);
    return { audit };
  },
});
