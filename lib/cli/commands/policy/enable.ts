import { z } from "zod";
import { changePolicy } from "../../../policies/policy-actions.ts";
import { defineCommand } from "../../define-command.ts";

const toggle = (enabled: boolean) =>
  defineCommand({
    name: enabled ? "policy enable" : "policy disable",
    summary: enabled
      ? "Enable an export policy (the first time: it exports from now on)"
      : "Disable an export policy (its cursor is kept)",
    positionals: ["policy"],
    schema: z.object({ policy: z.string().min(1) }),
    audit: { event: "patchPolicy", objectType: "policy" },
    async run({ input, note }) {
      const { policy, changed, audit } = await changePolicy(input.policy, { enabled });
      note(
        changed
          ? `The policy "${policy.name}" is ${enabled ? "enabled; next run " + (policy.nextRunAt ?? "-") : "disabled"}.`
          : `The policy "${policy.name}" was already ${enabled ? "enabled" : "disabled"}.`,
      );
      return { audit };
    },
  });

export const enable = toggle(true);
export const disable = toggle(false);
