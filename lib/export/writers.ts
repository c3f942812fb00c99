import { UserError } from "../errors/user-error.ts";
import type { ExportFormat } from "../settings/schema.ts";
import { writeActianceBatch } from "./formats/actiance.ts";
import { writeCsvBatch } from "./formats/csv.ts";
import { createJsonWriter } from "./formats/json/index.ts";
import { globalRelayZipWriter } from "./formats/globalrelay/index.ts";
import type { FormatWriter } from "./model.ts";

type WriterOptions = { timeZone: string; jobId?: string };

/** The zip writer of each file format; JSON files days in the job's zone, EML Message-IDs carry the job. */
const WRITERS: Partial<Record<ExportFormat, (options: WriterOptions) => FormatWriter>> = {
  csv: () => writeCsvBatch,
  actiance: () => writeActianceBatch,
  json: ({ timeZone }) => createJsonWriter({ timeZone }),
  "globalrelay-zip": ({ jobId }) => globalRelayZipWriter(jobId),
};

export function writerFor(format: ExportFormat, options: WriterOptions = { timeZone: "UTC" }): FormatWriter {
  const writer = WRITERS[format]?.(options);
  if (!writer) throw new UserError(`The ${format} export format is not available in this version of Custodian.`, 400);
  return writer;
}

export function isFormatAvailable(format: ExportFormat): boolean {
  return format in WRITERS;
}
