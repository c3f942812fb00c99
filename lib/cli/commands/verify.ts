import { z } from "zod";
import { repairManifests } from "../../export/manifest/repair-manifests.ts";
import { verifyExports } from "../../export/manifest/verify-exports.ts";
import { defineCommand } from "../define-command.ts";

export const command = defineCommand({
  name: "verify",
  summary: "Verify export files against their signed, chained manifests",
  flags: {
    policy: { type: "string", value: "ID", help: "only this policy's exports" },
    repair: {
      type: "boolean",
      help: "first write the missing manifests of exports whose batches are intact (audited)",
    },
  },
  schema: z.object({
    policy: z.string().min(1, "give a policy id").optional(),
    repair: z.boolean().optional(),
  }),
  json: true,
  details:
    "Checks hashes, missing or moved files, and the manifest chain of every finished export. Problems are\n" +
    "printed one a line on standard output. Exit 0 when every export verifies; 1 when a problem is found,\n" +
    "the policy is unknown, or there is nothing to verify. Without --repair it is read-only: nothing is written, not even an audit record.\n" +
    "--repair first writes the manifest of every export that lacks one (a crash between its end and its\n" +
    "manifest, in versions before the manifest became part of finishing) when all its batch files are present\n" +
    "with the SHA-256 recorded when they were written, re-links the next manifest of its policy, and writes one\n" +
    "audit record per manifest; an export whose files differ is not repaired and is still reported.",
  async run({ input, emit }) {
    const repair = input.repair ? await repairManifests({ policyId: input.policy }) : null;
    const result = await verifyExports({ policyId: input.policy });
    const nothing = result.ok && result.checked === 0;
    const verdict = nothing
      ? `Nothing to verify: ${input.policy ? `policy ${input.policy} has` : "there are"} no finished exports with files.`
      : result.ok
        ? `All ${result.checked} exports verified.`
        : result.checked === 0
          ? "Nothing verified."
          : `${result.problems.length} problem(s) in ${result.checked} exports.`;
    const repairLines = repair
      ? [
          ...repair.repaired.map((d) => `repaired manifest ${d}`),
          ...repair.notRepaired.map(
            (d) => `not repaired ${d}: its batch files differ from what was written`,
          ),
        ]
      : [];
    emit({ ...result, ...(repair ? { repair } : {}), ok: result.ok && !nothing, verdict }, (r) => [
      ...repairLines,
      ...r.problems,
      r.verdict,
    ]);
    return { exitCode: result.ok && !nothing ? 0 : 1 };
  },
});
