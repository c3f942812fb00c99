import { readCompleteness, type CompletenessRow } from "./read-completeness.ts";

/**
 * The channel-days whose received posts or files differ from what the source attested, newest day
 * first within short, then over — for "open warnings" (the Overview page) and checks.
 */
export async function readAttestationMismatches(
  options: { from?: string; to?: string; limit?: number } = {},
): Promise<CompletenessRow[]> {
  const rows = await readCompleteness({ from: options.from, to: options.to });
  const mismatches = rows.filter((r) => r.status !== "ok");
  return options.limit === undefined ? mismatches : mismatches.slice(0, options.limit);
}
