import { z } from "zod";
import { verifyAuditLog } from "../../audit-digest/verify-audit-log.ts";
import { defineCommand } from "../define-command.ts";

export const command = defineCommand({
  name: "verify-audit",
  summary: "Verify the audit log against its signed hourly digests",
  schema: z.object({}),
  json: true,
  details:
    "Checks record hashes and counts, the digest chain, anchored head / tail truncation, record shape, and the\n" +
    "JSON-lines file against the database. Problems are printed one a line on standard output. Exit 0 when\n" +
    "the audit log verifies, 1 when a problem is found. Read-only.",
  async run({ emit }) {
    const result = await verifyAuditLog({});
    emit(result, (r) =>
      r.ok
        ? [`Audit log verified: ${r.records} records, ${r.digests} digests.`]
        : [...r.problems, `${r.problems.length} problem(s) found.`],
    );
    return { exitCode: result.ok ? 0 : 1 };
  },
});
