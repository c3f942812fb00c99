import { z } from "zod";
import { policyRef } from "../../../policies/policy-actions.ts";
import { defineCommand } from "../../define-command.ts";
import { renderPolicy } from "./show-policy.ts";

export const show = defineCommand({
  name: "policy show",
  summary: "One export policy, by name or id",
  positionals: ["policy"],
  schema: z.object({ policy: z.string().min(1) }),
  json: true,
  audit: { event: "getConfig", objectType: "policy" },
  async run({ input, emit }) {
    const policy = await policyRef(input.policy);
    emit(policy, renderPolicy);
    return { audit: { parameters: { policy_id: policy.id } } };
  },
});
