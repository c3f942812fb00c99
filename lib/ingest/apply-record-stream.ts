import { createReadStream } from "node:fs";
import type { WriteSql } from "../db/write-connection.ts";
import { ensureAttachmentKey } from "../encryption/key-events.ts";
import { findStoredFile, writeFileBytes } from "./file-store.ts";
import { isWriteConflict } from "./is-write-conflict.ts";
import { needsFileCheck, validateRecord, validateRecordSync } from "./validate-record.ts";
import { withIngestTransaction } from "./with-ingest-transaction.ts";
import { createRecordWriter } from "./write-records.ts";
import {
  commitStagedPosts,
  splitStageable,
  stagePosts,
  type StagedPosts,
} from "./write/staged-posts.ts";
import {
  MAX_REPORTED_ISSUES,
  RecordApplyError,
  emptyCounts,
  type ApplyResult,
  type IngestError,
  type IngestWarning,
  type ValidRecord,
} from "./types.ts";
import type { RecordType } from "./schema.ts";

/** What a record source yields: a raw record, or a problem / warning found while reading it. */
export type SourceItem =
  /** textScanned: the value's JSON text holds no escaped NUL or surrogate (validate-record.ts). */
  | { index: number; value: unknown; textScanned?: boolean }
  | { index: number; problem: { field: string; message: string } }
  | { index: number; warning: string };

export type ApplyStreamOptions = {
  /** Called once per pass; must yield the same items each time (a file read twice). */
  open: () => AsyncIterable<SourceItem> | Iterable<SourceItem>;
  filesDir?: string;
  missingFiles?: "refuse" | "warn";
  /** For sources already in memory: keep the validated records for pass 2 instead of reading and validating again. */
  keepValid?: boolean;
  /** No record can hold a NUL or a lone surrogate (the source's JSON text was looked at as a whole). */
  textScanned?: boolean;
  onProgress?: (progress: { phase: "validate" | "write"; records: number }) => void;
};

const PROGRESS_EVERY = 10_000;
const MAX_ATTEMPTS = 5;
/** Validation hands the thread back this often, so one large request does not hold up the others. */
const YIELD_EVERY = 500;
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Two passes over a record source, so memory stays bounded however long it is: pass 1 validates
 * every record and writes nothing; only if all pass, pass 2 writes them all in ONE transaction
 * (with-ingest-transaction.ts). Records kept in memory (keepValid) have their attachment bytes
 * copied and looked up between the passes, so their transaction does no file I/O.
 */
export async function applyRecordStream(options: ApplyStreamOptions): Promise<ApplyResult> {
  const errors: IngestError[] = [];
  const warnings: IngestWarning[] = [];
  let errorCount = 0;
  let warningCount = 0;
  const counts = emptyCounts();
  const addWarning = (w: IngestWarning) => {
    warningCount += 1;
    if (warnings.length < MAX_REPORTED_ISSUES) warnings.push(w);
  };
  const addError = (e: IngestError) => {
    errorCount += 1;
    if (errors.length < MAX_REPORTED_ISSUES) errors.push(e);
  };

  const kept: ValidRecord[] = [];
  let seen = 0;
  for await (const item of options.open()) {
    if ("warning" in item) {
      addWarning({ index: item.index, message: item.warning });
      continue;
    }
    if ("problem" in item) {
      addError({ index: item.index, ...item.problem });
      continue;
    }
    const checked = needsFileCheck(item.value, options)
      ? await validateRecord(item, options)
      : validateRecordSync(item, { textScanned: options.textScanned || item.textScanned });
    checked.errors.forEach(addError);
    checked.warnings.forEach(addWarning);
    if (checked.valid) {
      counts[checked.valid.record.type as RecordType] += 1;
      if (options.keepValid) kept.push(checked.valid);
    }
    if (++seen % PROGRESS_EVERY === 0) options.onProgress?.({ phase: "validate", records: seen });
    if (seen % YIELD_EVERY === 0) await yieldToEventLoop();
  }
  if (errorCount > 0) return { ok: false, errors, errorCount, warnings, warningCount };
  if (options.keepValid) await prepareFiles(kept);
  // Bytes copied inside the transaction are encrypted under a key that must exist before it.
  else if (options.filesDir) await ensureAttachmentKey("ingest");

  let applyWarnings: IngestWarning[] = [];
  for (let attempt = 1; ; attempt++) {
    applyWarnings = [];
    try {
      // SQLite, a batch held in memory of posts (and teams, channels, users): the posts are prepared
      // before the lock and written in two statements under it (write/staged-posts.ts).
      const batch = options.keepValid ? splitStageable(kept) : undefined;
      let staged: StagedPosts | undefined;
      const prepare = async (sql: WriteSql) => {
        if (batch && sql.dialect === "sqlite")
          staged = await stagePosts(sql, batch.posts, yieldToEventLoop);
      };
      await withIngestTransaction(
        async (sql) => {
          const writer = createRecordWriter(sql, applyWarnings);
          let written = 0;
          for await (const valid of staged
            ? batch!.others
            : options.keepValid
              ? kept
              : validateAgain(options)) {
            await writer.write(valid);
            if (++written % PROGRESS_EVERY === 0)
              options.onProgress?.({ phase: "write", records: written });
          }
          await writer.finish();
          if (staged) {
            await commitStagedPosts(sql, staged);
            applyWarnings.push(...staged.warnings);
          }
        },
        { prepare },
      );
      break;
    } catch (error) {
      // Two batches writing the same new ids at once (PostgreSQL): the loser rolls back and runs
      // again, and then sees the winner's rows. Retrying is safe because writing is idempotent.
      if (attempt < MAX_ATTEMPTS && isWriteConflict(error)) {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
        continue;
      }
      if (!(error instanceof RecordApplyError)) throw error;
      return {
        ok: false,
        errors: [{ index: error.index, field: error.field, message: error.message }],
        errorCount: 1,
        warnings,
        warningCount,
      };
    }
  }
  applyWarnings.forEach(addWarning);
  return { ok: true, counts, warnings, warningCount };
}

/** Copies bytes from the files directory into the store and finds bytes uploaded earlier, before the transaction. */
async function prepareFiles(records: ValidRecord[]): Promise<void> {
  for (const valid of records) {
    if (valid.record.type !== "file_info") continue;
    const fileId = valid.record.file_info.id;
    if (valid.sourceFile)
      valid.stored = await writeFileBytes({ fileId, source: createReadStream(valid.sourceFile) });
    else valid.sidecar = await findStoredFile(fileId);
  }
}

async function* validateAgain(options: ApplyStreamOptions): AsyncGenerator<ValidRecord> {
  for await (const item of options.open()) {
    if ("warning" in item) continue;
    if ("problem" in item)
      throw new RecordApplyError(item.index, item.problem.field, item.problem.message);
    const checked = await validateRecord(item, {
      filesDir: options.filesDir,
      missingFiles: options.missingFiles,
    });
    // Only if the source changed between the passes.
    if (!checked.valid) {
      const first = checked.errors[0]!;
      throw new RecordApplyError(first.index, first.field, first.message);
    }
    yield checked.valid;
  }
}
