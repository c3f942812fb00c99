import { UserError } from "../errors/user-error.ts";
import type { ExportFormat } from "../settings/schema.ts";
import { writeActianceBatch } from "./formats/actiance.ts";
import { writeCsvBatch } from "./formats/csv.ts";
import type { FormatWriter } from "./model.ts";

const WRITERS: Partial<Record<ExportFormat, FormatWriter>> = {
  csv: writeCsvBatch,
  actiance: writeActianceBatch,
};

export function writerFor(format: ExportFormat): FormatWriter {
  const writer = WRITERS[format];
  if (!writer) throw new UserError(`The ${format} export format is not available in this version of Custodian.`, 400);
  return writer;
}

export function isFormatAvailable(format: ExportFormat): boolean {
  return format in WRITERS;
}
