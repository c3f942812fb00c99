import { zonedParts } from "./zoned-parts.ts";

export type LocalDate = { year: number; month: number; day: number };

const pad = (n: number) => String(n).padStart(2, "0");
export const localDateKey = (d: LocalDate) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

/**
 * The instant a daily run at HH:MM on a local date happens in a time zone. A time skipped by a
 * DST change (02:30 on a spring-forward day) runs at the first instant after the gap; a time that
 * happens twice (01:30 on a fall-back day) runs at its first occurrence. Either way: once per date.
 */
export function dailyRunInstant(date: LocalDate, hhmm: string, timeZone: string): Date {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const wanted = Date.UTC(date.year, date.month - 1, date.day, h, m);
  // Try the offsets in force around that wall time; keep the earliest instant that shows it.
  const candidates: number[] = [];
  for (const probe of [wanted - 36 * 3600_000, wanted, wanted + 36 * 3600_000]) {
    const offset = offsetAt(new Date(probe), timeZone);
    const instant = wanted - offset;
    if (wallTimeMatches(new Date(instant), timeZone, date, h, m)) candidates.push(instant);
  }
  if (candidates.length) return new Date(Math.min(...candidates));
  // Not shown at all (skipped by DST): the first minute after the gap.
  let t = wanted - offsetAt(new Date(wanted - 12 * 3600_000), timeZone) - 3 * 3600_000;
  while (!laterOrEqual(zonedParts(new Date(t), timeZone), date, h, m)) t += 60_000;
  return new Date(t);
}

export function localDateOf(at: Date, timeZone: string): LocalDate {
  const p = zonedParts(at, timeZone);
  return { year: p.year, month: p.month, day: p.day };
}

export function previousDate(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) - 86_400_000);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function offsetAt(at: Date, timeZone: string): number {
  const p = zonedParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(at.getTime() / 60_000) * 60_000;
}

function wallTimeMatches(at: Date, timeZone: string, d: LocalDate, h: number, m: number): boolean {
  const p = zonedParts(at, timeZone);
  return (
    p.year === d.year && p.month === d.month && p.day === d.day && p.hour === h && p.minute === m
  );
}

function laterOrEqual(
  p: ReturnType<typeof zonedParts>,
  d: LocalDate,
  h: number,
  m: number,
): boolean {
  const a = [p.year, p.month, p.day, p.hour, p.minute];
  const b = [d.year, d.month, d.day, h, m];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}
