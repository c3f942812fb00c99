import type { IngestRecord, RecordType } from "./schema.ts";

/** A refused record: index is the 0-based array index (API) or the 1-based line number (files). */
export type IngestError = { index: number; field: string; message: string };
export type IngestWarning = { index: number; message: string };

export type RecordCounts = Record<RecordType, number>;

export type IngestReport = {
  counts: RecordCounts;
  warnings: IngestWarning[];
  warningCount: number;
};

/**
 * ok: every record was written in one transaction. Not ok: nothing was written; `errors` holds the
 * first MAX_REPORTED_ISSUES problems and errorCount all of them.
 */
export type ApplyResult =
  | ({ ok: true } & IngestReport)
  | {
      ok: false;
      errors: IngestError[];
      errorCount: number;
      warnings: IngestWarning[];
      warningCount: number;
    };

/** A raw input value with its position, as the caller numbers it. */
export type IndexedInput = { index: number; value: unknown };

/** A record that passed validation, with what writing it needs. */
export type ValidRecord = {
  index: number;
  record: IngestRecord;
  /** For file_info with a files directory: the verified absolute path of its bytes. */
  sourceFile?: string;
  /** Bytes already copied into the file store for it (before the write transaction). */
  stored?: { storeKey: string; sha256: string };
  /** Bytes uploaded earlier under its id, looked up before the write transaction (null: none). */
  sidecar?: { storeKey: string; sha256: string } | null;
};

export const MAX_REPORTED_ISSUES = 1000;

/** Thrown inside the write transaction when a record cannot apply (rolls the whole batch back). */
export class RecordApplyError extends Error {
  constructor(
    readonly index: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Another transaction changed a row this batch read; the batch is run again (apply-record-stream.ts). */
export class ConcurrentChangeError extends Error {}

export function emptyCounts(): RecordCounts {
  return {
    team: 0,
    channel: 0,
    user: 0,
    channel_member_history: 0,
    post: 0,
    file_info: 0,
    post_created: 0,
    post_edited: 0,
    post_deleted: 0,
    member_joined: 0,
    member_left: 0,
    attestation: 0,
  };
}
