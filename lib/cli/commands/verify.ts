import { verifyExports } from "../../export/manifest/verify-exports.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";

const USAGE = `Usage:
  npm run cli -- verify [--policy <id>]   check every finished export against its signed manifest
                                          (hashes, missing or moved files, manifest chain)
Exit code 0 when every export verifies, 1 when a problem is found.`;

export const command: CliCommand = {
  summary: "Verify export files against their signed, chained manifests",
  usage: USAGE,
  async run(argv) {
    let policyId: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === "--policy") {
        const value = argv[++i];
        if (!value || value.startsWith("--")) throw new CliUsageError(`--policy needs a policy id\n\n${USAGE}`);
        policyId = value;
      } else if (arg.startsWith("--policy=")) {
        policyId = arg.slice("--policy=".length);
        if (!policyId) throw new CliUsageError(`--policy needs a policy id\n\n${USAGE}`);
      } else {
        throw new CliUsageError(`Unexpected argument "${arg}"\n\n${USAGE}`);
      }
    }
    // Read-only: no audit record, nothing written.
    const result = await verifyExports({ policyId });
    for (const problem of result.problems) console.log(problem);
    if (result.ok) {
      console.log(`All ${result.checked} exports verified.`);
      return 0;
    }
    return 1;
  },
};
