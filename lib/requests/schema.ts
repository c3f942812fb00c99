import { z } from "zod";
import { SELECT_MODES } from "../jobs/job-request.ts";
import { EXPORT_FORMATS, isTimeZone, type ExportFormat } from "../settings/schema.ts";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_REQUEST_DAYS = 184; // six months

/** The formats that produce files to download: `globalrelay` mails the archive and writes none. */
export const REQUEST_FORMATS = EXPORT_FORMATS.filter(
  (f): f is Exclude<ExportFormat, "globalrelay"> => f !== "globalrelay",
);

function validDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const [y, m, d] = v.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** An export request: whole local days in the requester's time zone, at most six months, not in the future. */
export const ZExportRequestInput = z
  .object({
    startDate: z.string().refine(validDate, "Enter a date as YYYY-MM-DD."),
    endDate: z.string().refine(validDate, "Enter a date as YYYY-MM-DD."),
    timeZone: z.string().refine(isTimeZone, "Unknown time zone."),
    format: z.enum(
      REQUEST_FORMATS,
      "Choose an export format that produces files (the Global Relay SMTP format mails them instead).",
    ),
    /** Messages created in the range with all their versions up to now (the default), or changed in it. */
    select: z.enum(SELECT_MODES, "Choose created or changed.").default("created"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!validDate(v.startDate) || !validDate(v.endDate) || !isTimeZone(v.timeZone)) return;
    const today = new Intl.DateTimeFormat("en-CA", {
      timeZone: v.timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(new Date());
    if (v.startDate < "1970-01-02")
      ctx.addIssue({
        code: "custom",
        path: ["startDate"],
        message: "Choose a date from 1970-01-02 on.",
      });
    if (v.startDate > today)
      ctx.addIssue({ code: "custom", path: ["startDate"], message: "The start is in the future." });
    if (v.endDate > today)
      ctx.addIssue({ code: "custom", path: ["endDate"], message: "The end is in the future." });
    if (v.endDate < v.startDate)
      ctx.addIssue({ code: "custom", path: ["endDate"], message: "The end is before the start." });
    const days =
      (Date.parse(`${v.endDate}T00:00:00Z`) - Date.parse(`${v.startDate}T00:00:00Z`)) / 86_400_000 +
      1;
    if (days > MAX_REQUEST_DAYS)
      ctx.addIssue({
        code: "custom",
        path: ["endDate"],
        message: `A request covers at most six months (${MAX_REQUEST_DAYS} days); this one covers ${days}.`,
      });
  });
export type TExportRequestInput = z.input<typeof ZExportRequestInput>;

export const REQUEST_STATUS_LABELS = [
  "Accepted",
  "In progress",
  "Completed",
  "Failed",
  "Expired",
] as const;
export type RequestStatusLabel = (typeof REQUEST_STATUS_LABELS)[number];

export function requestStatusLabel(status: string, expired: boolean): RequestStatusLabel {
  if (expired) return "Expired";
  if (status === "pending") return "Accepted";
  if (status === "in_progress" || status === "cancel_requested") return "In progress";
  if (status === "success" || status === "warning") return "Completed";
  return "Failed";
}
