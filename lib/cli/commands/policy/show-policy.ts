import type { PolicyView } from "../../../policies/policy-view.ts";

const iso = (ms: number | null) => (ms === null || ms === 0 ? "-" : new Date(ms).toISOString());

/** `policy show` (and what add/update print): one line per field. */
export function renderPolicy(p: PolicyView): string[] {
  const rows: Array<[string, string]> = [
    ["id", p.id],
    ["name", p.name],
    ["status", p.archivedAt ? `removed ${p.archivedAt}` : p.enabled ? "enabled" : "disabled"],
    ["format", p.format],
    ["target", p.targetName],
    ["filter", p.filterSummary],
    ["schedule", `${p.scheduleSummary} (${p.timeZone})`],
    ["next run", p.nextRunAt ?? "-"],
    [
      "last run",
      p.lastRun
        ? `${p.lastRun.status} (job ${p.lastRun.jobId}${p.lastRun.finishedAt ? `, ${p.lastRun.finishedAt}` : ""})`
        : "-",
    ],
    ["exported to", iso(p.exportedUpTo)],
    ["export from", iso(p.exportFrom)],
    ["batch size", String(p.batchSize)],
    [
      "attachments",
      p.exportAttachments
        ? p.decryptAttachments
          ? "on (decrypted)"
          : "on (encrypted, with encryption.json)"
        : "off",
    ],
  ];
  return rows.map(([k, v]) => `${k.padEnd(13)}${v}`);
}
