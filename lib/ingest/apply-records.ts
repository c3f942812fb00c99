import { applyRecordStream, type SourceItem } from "./apply-record-stream.ts";
import type { ApplyResult } from "./types.ts";

/**
 * For POST /api/v1/ingest (body = JSON array of records) and tests:
 *   const result = await applyRecords({ records: body });
 *   result.ok ? 200 { counts, warnings } : 400/422 { errors: [{ index, field, message }] }
 * Every record is validated first (index = 0-based array position); only if all pass are they
 * written, in one transaction, in order; same id ⇒ the stored row is replaced. Nothing from a
 * refused batch is written. filesDir: where file_info.path points (CLI); the API leaves it out.
 */
export async function applyRecords(options: {
  records: readonly unknown[];
  filesDir?: string;
  /** The JSON the records were parsed from holds no escaped NUL or surrogate (validate-record.ts: jsonMayHoldUnstorableText). */
  textScanned?: boolean;
}): Promise<ApplyResult> {
  const { records, filesDir, textScanned } = options;
  function* open(): Iterable<SourceItem> {
    for (let index = 0; index < records.length; index++) yield { index, value: records[index] };
  }
  return applyRecordStream({ open, filesDir, keepValid: true, textScanned });
}
