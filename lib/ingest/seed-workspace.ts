import { Readable } from "node:stream";
import { applyRecords } from "./apply-records.ts";
import { writeFileBytes } from "./file-store.ts";
import {
  generateWorkspace,
  workspaceFileBytes,
  type WorkspaceOptions,
} from "./generate-workspace.ts";
import { emptyCounts, type IngestWarning, type RecordCounts } from "./types.ts";
import type { IngestRecordInput } from "./schema.ts";

export type SeedResult = { counts: RecordCounts; warnings: IngestWarning[]; records: number };

const CHUNK = 1000;
const FILE_WRITES_AT_ONCE = 8;

/**
 * Generates a workspace and writes it in transactions of CHUNK records (a generated workspace is
 * valid by construction, so all-or-nothing for the whole run is not needed). Attachment bytes go
 * to the file store first; each file_info then links them by id. Throws if a chunk is refused.
 */
export async function seedWorkspace(
  options: WorkspaceOptions & { onProgress?: (done: { records: number; posts: number }) => void },
): Promise<SeedResult> {
  const counts = emptyCounts();
  const warnings: IngestWarning[] = [];
  let chunk: IngestRecordInput[] = [];
  let records = 0;
  let posts = 0;

  const flush = async () => {
    // The bytes of different files are independent: written a few at a time, the waits for the
    // file system and the key ring overlap (one at a time they took about half of a seed).
    const files = chunk.flatMap((record) =>
      record.type === "file_info" ? [record.file_info] : [],
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(FILE_WRITES_AT_ONCE, files.length) }, async () => {
        for (let file = files[next++]; file; file = files[next++])
          await writeFileBytes({
            fileId: file.id,
            source: Readable.from([workspaceFileBytes(file.id, file.name)]),
            durable: false,
          });
      }),
    );
    const result = await applyRecords({ records: chunk });
    if (!result.ok) {
      const e = result.errors[0]!;
      throw new Error(
        `generated record ${records - chunk.length + e.index + 1} was refused: ${e.field}: ${e.message}`,
      );
    }
    for (const [type, n] of Object.entries(result.counts)) counts[type as keyof RecordCounts] += n;
    for (const w of result.warnings)
      warnings.push({ index: records - chunk.length + w.index + 1, message: w.message });
    chunk = [];
    options.onProgress?.({ records, posts });
  };

  for (const record of generateWorkspace(options)) {
    chunk.push(record);
    records += 1;
    if (record.type === "post" && !record.post.type) posts += 1;
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return { counts, warnings, records };
}
