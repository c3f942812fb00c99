import { z } from "zod";
import { RIGHTS, type Right } from "../auth/rights.ts";

/** Shared shapes of CLI flags (every value arrives as a string). */

export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be a whole number from ${min} to ${max}`)
        .max(max, `must be a whole number from ${min} to ${max}`),
    );

/** "configure,request" → ["configure", "request"]. */
export const ZRightsList = z.string().transform((value, ctx): Right[] => {
  const rights = value
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = rights.find((r) => !(RIGHTS as readonly string[]).includes(r));
  if (bad) {
    ctx.addIssue({
      code: "custom",
      message: `unknown right "${bad}" (choose from ${RIGHTS.join(", ")})`,
    });
    return z.NEVER;
  }
  return rights as Right[];
});

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30m", "12h", "90d" → milliseconds. */
export const ZDuration = z.string().transform((value, ctx) => {
  const m = /^([1-9]\d{0,5})([mhd])$/.exec(value);
  if (!m) {
    ctx.addIssue({
      code: "custom",
      message: `give a duration such as 30m, 12h or 90d, not "${value}"`,
    });
    return z.NEVER;
  }
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
});

export const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? "-" : new Date(ms).toISOString();

/** Rows as aligned columns under a header (the last column is not padded). */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
