import { z } from "zod";
import { verifyExports } from "../../export/manifest/verify-exports.ts";
import { defineCommand } from "../define-command.ts";

export const command = defineCommand({
  name: "verify",
  summary: "Verify export files against their signed, chained manifests",
  flags: { policy: { type: "string", value: "ID", help: "only this policy's exports" } },
  schema: z.object({ policy: z.string().min(1, "give a policy id").optional() }),
  json: true,
  details:
    "Checks hashes, missing or moved files, and the manifest chain of every finished export. Problems are\n" +
    "printed one a line on standard output. Exit 0 when every export verifies; 1 when a problem is found,\n" +
    "the policy is unknown, or there is nothing to verify. Read-only: nothing is written, not even an audit record.",
  async run({ input, emit }) {
    const result = await verifyExports({ policyId: input.policy });
    const nothing = result.ok && result.checked === 0;
    const verdict = nothing
      ? `Nothing to verify: ${input.policy ? `policy ${input.policy} has` : "there are"} no finished exports with files.`
      : result.ok
        ? `All ${result.checked} exports verified.`
        : result.checked === 0
          ? "Nothing verified."
          : `${result.problems.length} problem(s) in ${result.checked} exports.`;
    emit({ ...result, ok: result.ok && !nothing, verdict }, (r) => [...r.problems, r.verdict]);
    return { exitCode: result.ok && !nothing ? 0 : 1 };
  },
});
