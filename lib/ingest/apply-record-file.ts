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
    onProgress: options.onProgress,
  });
}
