import { z } from "zod";

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD.");

/** The Completeness page's filter (a GET form): attested days from … to, inclusive. */
export const ZCompletenessQuery = z.object({ from: ZDay.optional(), to: ZDay.optional() });
export type TCompletenessQuery = z.output<typeof ZCompletenessQuery>;
