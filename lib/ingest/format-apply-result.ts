import type { ApplyResult, RecordCounts } from "./types.ts";

/** "line 3: post.create_at: must be …" lines for a refused file, then how many more there were. */
export function formatIngestErrors(
  result: Extract<ApplyResult, { ok: false }>,
  unit = "line",
): string[] {
  const lines = result.errors.map((e) => `${unit} ${e.index}: ${e.field}: ${e.message}`);
  if (result.errorCount > result.errors.length)
    lines.push(`… and ${result.errorCount - result.errors.length} more errors`);
  return lines;
}

/** Non-zero counts as "post: 12" lines, in record-type order. */
export function formatCounts(counts: RecordCounts): string[] {
  const lines = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `  ${type}: ${n}`);
  return lines.length > 0 ? lines : ["  (no records)"];
}

export function formatWarnings(
  result: { warnings: Array<{ index: number; message: string }>; warningCount: number },
  unit = "line",
): string[] {
  const lines = result.warnings.map((w) => `warning: ${unit} ${w.index}: ${w.message}`);
  if (result.warningCount > result.warnings.length)
    lines.push(`… and ${result.warningCount - result.warnings.length} more warnings`);
  return lines;
}
