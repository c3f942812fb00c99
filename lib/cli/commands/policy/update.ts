import { z } from "zod";
import { fieldErrorsOf, UserError } from "../../../errors/user-error.ts";
import { changePolicy, policyRef } from "../../../policies/policy-actions.ts";
import { ZPolicyPatch } from "../../../policies/policy-schema.ts";
import { defineCommand } from "../../define-command.ts";
import { POLICY_FLAGS, policyBody, ZPolicyFlags } from "./policy-flags.ts";
import { renderPolicy } from "./show-policy.ts";

export const update = defineCommand({
  name: "policy update",
  summary:
    "Change an export policy: only the options given change (filter options replace that part of the filter)",
  positionals: ["policy"],
  flags: POLICY_FLAGS,
  schema: ZPolicyFlags.extend({ policy: z.string().min(1) }),
  json: true,
  audit: { event: "patchPolicy", objectType: "policy" },
  async run({ input, emit, note }) {
    const { policy: ref, ...flags } = input;
    const current = await policyRef(ref);
    const parsed = ZPolicyPatch.safeParse(policyBody(flags, current.filter));
    if (!parsed.success)
      throw new UserError("invalid policy", 400, fieldErrorsOf(parsed.error.issues));
    const { policy, changed, audit } = await changePolicy(current.id, parsed.data);
    if (!changed) note("Nothing changed.");
    emit(policy, renderPolicy);
    return { audit };
  },
});
