import { z } from "zod";
import { ZAuditEventName } from "./events.ts";

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/, "Use YYYY-MM-DD or YYYY-MM-DDTHH:MM.");

/** Filters of the audit log page, its API and its download. */
export const ZAuditQuery = z
  .object({
    event: optional(ZAuditEventName),
    actor: optional(z.string().max(254)),
    status: optional(z.enum(["success", "fail"])),
    from: optional(isoDateTime),
    to: optional(isoDateTime),
    before: optional(z.coerce.number().int().positive()),
    /** Newer records than this id (the page's "Newer" link). */
    after: optional(z.coerce.number().int().nonnegative()),
    /** "hide": leave out page views (reads of settings, jobs and the audit log itself). */
    views: optional(z.enum(["show", "hide"])),
  })
  .strip();
export type TAuditQuery = z.output<typeof ZAuditQuery>;

/** Events that only record that someone looked at something; the log page hides them by default. */
export const PAGE_VIEW_EVENTS = [
  "getConfig",
  "getAudits",
  "getComplianceReports",
  "getComplianceReport",
] as const;
