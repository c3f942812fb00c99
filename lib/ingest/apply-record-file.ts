import { applyRecordStream, type ApplyStreamOptions } from "./apply-record-stream.ts";
import { readRecordLines } from "./read-record-lines.ts";
import type { ApplyResult } from "./types.ts";

/** `npm run cli -- ingest`: a JSON-lines file of records, all or nothing; errors carry line numbers. */
export async function applyRecordFile(options: {
  file: string;
  filesDir?: string;
  onProgress?: ApplyStreamOptions["onProgress"];
}): Promise<ApplyResult> {
  return applyRecordStream({
    open: () => readRecordLines(options.file),
    filesDir: options.filesDir,
    // A file may hold millions of records; its one transaction may take a while.
    transactionTimeoutMs: 6 * 3600_000,
    onProgress: options.onProgress,
  });
}
