import { zonedParts } from "../time/zoned-parts.ts";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `compliance-export-YYYY-MM-DD-HHhMMm-<start>-<end>` (§2.1), the date in the configured zone. */
export function exportDirName(options: {
  now: Date;
  timeZone: string;
  start: number;
  end: number;
}): string {
  const p = zonedParts(options.now, options.timeZone);
  return `compliance-export-${p.year}-${pad(p.month)}-${pad(p.day)}-${pad(p.hour)}h${pad(p.minute)}m-${options.start}-${options.end}`;
}

/** `batchNNN-<start>-<end>.zip` (§2.2): at least three digits. */
export function batchFileName(options: { number: number; start: number; end: number }): string {
  return `batch${pad(options.number, 3)}-${options.start}-${options.end}.zip`;
}
