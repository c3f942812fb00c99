import { fieldErrorsOf, UserError } from "../../../errors/user-error.ts";
import { addPolicy } from "../../../policies/policy-actions.ts";
import { ZPolicyInput } from "../../../policies/policy-schema.ts";
import { defineCommand } from "../../define-command.ts";
import { POLICY_FLAGS, policyBody, ZPolicyFlags } from "./policy-flags.ts";

export const add = defineCommand({
  name: "policy add",
  summary: "Add an export policy (enabled: it exports from now on)",
  flags: {
    ...POLICY_FLAGS,
    name: { ...POLICY_FLAGS.name!, required: true },
    format: { ...POLICY_FLAGS.format!, required: true },
    target: { ...POLICY_FLAGS.target!, required: true },
  },
  schema: ZPolicyFlags,
  json: true,
  details:
    "Examples:\n" +
    '  policy add --name traders --format actiance --target archive --users alice,bob --by participant --schedule "every 6h" --time-zone America/New_York\n' +
    '  policy add --name support --format csv --target nas --teams support --channel-types O,P --exclude-channels random --schedule "weekly mon,thu 02:00"',
  audit: { event: "createPolicy", objectType: "policy" },
  async run({ input, emit, note }) {
    const parsed = ZPolicyInput.safeParse(policyBody(input));
    if (!parsed.success)
      throw new UserError("invalid policy", 400, fieldErrorsOf(parsed.error.issues));
    const { policy, audit } = await addPolicy(parsed.data);
    note(`Added the policy "${policy.name}"; next run ${policy.nextRunAt ?? "-"}.`);
    emit(policy, (p) => p.id);
    return { audit };
  },
});
