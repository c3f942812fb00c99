/** Wall-clock parts of an instant in a time zone. */
export function zonedParts(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `compliance-export-YYYY-MM-DD-HHhMMm-<start>-<end>` (§2.1), the date in the configured zone. */
export function exportDirName(options: { now: Date; timeZone: string; start: number; end: number }): string {
  const p = zonedParts(options.now, options.timeZone);
  return `compliance-export-${p.year}-${pad(p.month)}-${pad(p.day)}-${pad(p.hour)}h${pad(p.minute)}m-${options.start}-${options.end}`;
}

/** `batchNNN-<start>-<end>.zip` (§2.2): at least three digits. */
export function batchFileName(options: { number: number; start: number; end: number }): string {
  return `batch${pad(options.number, 3)}-${options.start}-${options.end}.zip`;
}
