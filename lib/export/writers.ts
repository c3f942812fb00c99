import { writeActianceBatch } from "./formats/actiance.ts";
import { writeCsvBatch } from "./formats/csv.ts";
import { createJsonWriter } from "./formats/json/index.ts";
import { globalRelayEmlWriter } from "./formats/globalrelay/index.ts";
import type { FormatWriter } from "./model.ts";
import type { WriterFormat } from "./plan/export-plan.ts";

type WriterOptions = { timeZone: string; policyId: string };

/** The batch writer of each format: JSON files days in the job's zone, EML Message-IDs are scoped by the policy. */
const WRITERS: Record<WriterFormat, (options: WriterOptions) => FormatWriter> = {
  csv: () => writeCsvBatch,
  actiance: () => writeActianceBatch,
  json: ({ timeZone }) => createJsonWriter({ timeZone }),
  eml: ({ policyId }) => globalRelayEmlWriter(policyId),
};

export function writerFor(format: WriterFormat, options: WriterOptions): FormatWriter {
  return WRITERS[format](options);
}
