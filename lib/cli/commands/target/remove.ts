import { z } from "zod";
import { UserError } from "../../../errors/user-error.ts";
import { removeTarget } from "../../../targets/remove-target.ts";
import { findTarget } from "../../../targets/stored-target.ts";
import { defineCommand } from "../../define-command.ts";

export const remove = defineCommand({
  name: "target remove",
  summary: "Remove a target (refused while the Compliance Export uses it)",
  positionals: ["name"],
  schema: z.object({ name: z.string().min(1) }),
  details:
    "Exports already written there stay where they are; Custodian no longer downloads, verifies or deletes them.",
  audit: { event: "deleteTarget", objectType: "target" },
  async run({ input, out }) {
    const found = await findTarget({ idOrName: input.name });
    if (!found) throw new UserError(`no target "${input.name}"`, 404);
    const removed = await removeTarget({ id: found.id });
    out(`Removed target "${removed.name}".`);
    return {
      audit: {
        parameters: { target_id: removed.id },
        priorState: { name: removed.name, kind: removed.kind, destination: removed.destination },
      },
    };
  },
});
