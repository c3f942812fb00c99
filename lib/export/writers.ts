import { UserError } from "../errors/user-error.ts";
import type { ExportFormat } from "../settings/schema.ts";
import { writeActianceBatch } from "./formats/actiance.ts";
import { writeCsvBatch } from "./formats/csv.ts";
import { createJsonWriter } from "./formats/json/index.ts";
import type { FormatWriter } from "./model.ts";

/** The zip writer of each file format; the JSON layout files days in the job's time zone. */
const WRITERS: Partial<Record<ExportFormat, (options: { timeZone: string }) => FormatWriter>> = {
  csv: () => writeCsvBatch,
  actiance: () => writeActianceBatch,
  json: ({ timeZone }) => createJsonWriter({ timeZone }),
};

export function writerFor(format: ExportFormat, options: { timeZone: string } = { timeZone: "UTC" }): FormatWriter {
  const writer = WRITERS[format]?.(options);
  if (!writer) throw new UserError(`The ${format} export format is not available in this version of Custodian.`, 400);
  return writer;
}

export function isFormatAvailable(format: ExportFormat): boolean {
  return format in WRITERS;
}
