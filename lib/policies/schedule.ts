import { Cron } from "croner";
import { z } from "zod";
import { DAILY_RUN_TIME } from "../settings/schema.ts";
import {
  dailyRunInstant,
  localDateKey,
  localDateOf,
  previousDate,
  type LocalDate,
} from "../time/daily-run-instant.ts";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const runTime = z
  .string()
  .regex(DAILY_RUN_TIME, "Enter a 24-hour time as HH:MM, for example 01:00 or 23:30.")
  .transform((v) => v.padStart(5, "0"));

function cronProblem(expression: string): string | null {
  if (expression.trim().split(/\s+/).length < 5)
    return "A cron expression has five fields (minute hour day month weekday), for example 0 2 * * *.";
  try {
    new Cron(expression, { paused: true, timezone: "UTC" });
    return null;
  } catch (error) {
    return `Not a cron expression: ${(error as Error).message}`;
  }
}

/** When a policy runs, in its time zone: daily or weekly at HH:MM, every N hours, or a cron expression. */
export const ZSchedule = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("daily"), at: runTime }),
  z.object({
    kind: z.literal("weekly"),
    days: z
      .array(z.enum(WEEKDAYS, "Days are mon, tue, wed, thu, fri, sat, sun."))
      .min(1, "Choose at least one day."),
    at: runTime,
  }),
  z.object({
    kind: z.literal("hours"),
    every: z.number().int().min(1, "Every 1 to 24 hours.").max(24, "Every 1 to 24 hours."),
  }),
  z.object({
    kind: z.literal("cron"),
    expression: z
      .string()
      .trim()
      .max(200)
      .superRefine((v, ctx) => {
        const problem = cronProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  }),
]);
export type Schedule = z.infer<typeof ZSchedule>;

/**
 * The schedule as the CLI writes it: "daily 02:00", "weekly mon,thu 02:00", "every 6h",
 * "cron 0 2 * * *". Returns the object for ZSchedule to check, or a message.
 */
export function parseScheduleText(text: string): unknown {
  const t = text.trim().replace(/\s+/g, " ");
  let m: RegExpExecArray | null;
  if ((m = /^daily (\S+)$/i.exec(t))) return { kind: "daily", at: m[1] };
  if ((m = /^weekly (\S+) (\S+)$/i.exec(t)))
    return { kind: "weekly", days: m[1]!.toLowerCase().split(",").filter(Boolean), at: m[2] };
  if ((m = /^every (\d{1,2}) ?h(ours?)?$/i.exec(t))) return { kind: "hours", every: Number(m[1]) };
  if ((m = /^cron (.+)$/i.exec(t))) return { kind: "cron", expression: m[1] };
  return { kind: "invalid" };
}

export function describeSchedule(s: Schedule): string {
  switch (s.kind) {
    case "daily":
      return `daily ${s.at}`;
    case "weekly":
      return `weekly ${WEEKDAYS.filter((d) => s.days.includes(d)).join(",")} ${s.at}`;
    case "hours":
      return `every ${s.every}h`;
    case "cron":
      return `cron ${s.expression}`;
  }
}

/** One run of a schedule: when, and its slot key (unique per policy: one job however many schedulers race). */
export type Slot = { at: Date; key: string };

const weekdayOf = (d: LocalDate): Weekday =>
  WEEKDAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()]!;
const nextDate = (d: LocalDate): LocalDate => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + 86_400_000);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};

/** every N hours: at local hours divisible by N (croner, so the wall clock decides across DST). */
function cronPattern(s: Extract<Schedule, { kind: "hours" | "cron" }>): string {
  return s.kind === "hours"
    ? s.every === 24
      ? "0 0 0 * * *"
      : `0 0 */${s.every} * * *`
    : s.expression;
}

function cron(s: Extract<Schedule, { kind: "hours" | "cron" }>, timeZone: string): Cron {
  return new Cron(cronPattern(s), { paused: true, timezone: timeZone });
}

/**
 * Daily and weekly runs are keyed by the local date ("<policy>:2026-03-29", the key the single
 * daily export always used, so an upgrade does not run today's slot again); every-N-hours and
 * cron runs by the instant ("<policy>:2026-03-29T01:00:00.000Z").
 */
function dateSlot(
  policyId: string,
  s: Extract<Schedule, { kind: "daily" | "weekly" }>,
  date: LocalDate,
  timeZone: string,
): Slot | null {
  if (s.kind === "weekly" && !s.days.includes(weekdayOf(date))) return null;
  return { at: dailyRunInstant(date, s.at, timeZone), key: `${policyId}:${localDateKey(date)}` };
}

const instantSlot = (policyId: string, at: Date): Slot => ({
  at,
  key: `${policyId}:${at.toISOString()}`,
});

/** The latest run at or before `now`, or null when there is none in the last eight days / ever. */
export function latestSlot(
  policyId: string,
  s: Schedule,
  timeZone: string,
  now: Date,
): Slot | null {
  if (s.kind === "daily" || s.kind === "weekly") {
    let date = localDateOf(new Date(now.getTime() + 86_400_000), timeZone);
    for (let i = 0; i < 10; i++, date = previousDate(date)) {
      const slot = dateSlot(policyId, s, date, timeZone);
      if (slot && slot.at <= now) return slot;
    }
    return null;
  }
  // croner's previous runs are strictly before the reference; its runs fall on whole seconds.
  const [at] = cron(s, timeZone).previousRuns(1, new Date(now.getTime() + 1));
  return at ? instantSlot(policyId, at) : null;
}

/** The first run after `now`. */
export function nextSlot(policyId: string, s: Schedule, timeZone: string, now: Date): Slot | null {
  if (s.kind === "daily" || s.kind === "weekly") {
    let date = localDateOf(new Date(now.getTime() - 86_400_000), timeZone);
    for (let i = 0; i < 10; i++, date = nextDate(date)) {
      const slot = dateSlot(policyId, s, date, timeZone);
      if (slot && slot.at > now) return slot;
    }
    return null;
  }
  const at = cron(s, timeZone).nextRun(now);
  return at ? instantSlot(policyId, at) : null;
}

/** Every run in (from, to], in order. */
export function slotsBetween(
  policyId: string,
  s: Schedule,
  timeZone: string,
  from: Date,
  to: Date,
): Slot[] {
  const out: Slot[] = [];
  let cursor = from;
  for (;;) {
    const slot = nextSlot(policyId, s, timeZone, cursor);
    if (!slot || slot.at > to) return out;
    out.push(slot);
    cursor = slot.at;
  }
}
