import { verifyAuditLog } from "../../audit/digest/verify-audit-log.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";

const USAGE = `Usage:
  npm run cli -- verify-audit   check the audit log against its signed hourly digest chain
                                (record hashes and counts, chain, anchored head / tail truncation,
                                 record shape, and the JSON-lines file against the database)
Exit code 0 when the audit log verifies, 1 when a problem is found.`;

export const command: CliCommand = {
  summary: "Verify the audit log against its signed hourly digests",
  usage: USAGE,
  async run(argv) {
    if (argv.length) throw new CliUsageError(`Unexpected argument "${argv[0]}"\n\n${USAGE}`);
    // Read-only: no audit record, nothing written.
    const result = await verifyAuditLog({});
    for (const problem of result.problems) console.log(problem);
    if (result.ok) {
      console.log(`Audit log verified: ${result.records} records, ${result.digests} digests.`);
      return 0;
    }
    return 1;
  },
};
