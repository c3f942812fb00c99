import { emailProblem } from "../validation/email.ts";
import { findUnstorableText } from "./find-unstorable-text.ts";
import { parsePlainPost } from "./parse-plain-post.ts";
import { resolveSourceFile } from "./resolve-source-file.ts";
import {
  RECORD_SCHEMAS,
  RECORD_TYPES,
  ZIngestRecord,
  type IngestRecord,
  type RecordType,
} from "./schema.ts";
import type { IndexedInput, IngestError, IngestWarning, ValidRecord } from "./types.ts";

export type RecordValidation = {
  valid?: ValidRecord;
  errors: IngestError[];
  warnings: IngestWarning[];
};

// Before 1973-03-03 in milliseconds, but a plausible date in seconds: the MM-49009 mix-up.
const SECONDS_LOOKALIKE = 100_000_000_000;

export type ValidateOptions = {
  filesDir?: string;
  /** A bulk export may name attachments it does not hold: keep the record, warn. */
  missingFiles?: "refuse" | "warn";
};

/**
 * Checks one raw record. Never touches the database; with a files directory, checks that a
 * file_info's bytes are there (and inside it).
 */
export async function validateRecord(
  input: IndexedInput & { textScanned?: boolean },
  options: ValidateOptions = {},
): Promise<RecordValidation> {
  const checked = validateRecordSync(input, input);
  if (checked.valid?.record.type === "file_info" && options.filesDir)
    return checkSourceFile(checked, options.filesDir, options.missingFiles);
  return checked;
}

/** Whether validateRecord needs the file system for this record (else validateRecordSync says it all). */
export function needsFileCheck(value: unknown, options: ValidateOptions): boolean {
  return (
    options.filesDir !== undefined && (value as { type?: unknown } | null)?.type === "file_info"
  );
}

/** Everything validateRecord checks but a file_info's bytes in a files directory. */
export function validateRecordSync(
  input: IndexedInput,
  options: { textScanned?: boolean } = {},
): RecordValidation {
  const { index, value } = input;
  const fail = (field: string, message: string): RecordValidation => ({
    errors: [{ index, field, message }],
    warnings: [],
  });

  if (typeof value !== "object" || value === null || Array.isArray(value))
    return fail("record", 'must be a JSON object like {"type": "post", "post": {...}}');
  const unstorable =
    !options.textScanned && mayHoldUnstorableText(value) ? findUnstorableText(value) : [];
  if (unstorable.length > 0)
    return { errors: unstorable.map((u) => ({ index, ...u })), warnings: [] };

  if ((value as { type?: unknown }).type === "post") {
    const post = parsePlainPost((value as { post?: unknown }).post);
    if (post) {
      const record: IngestRecord = { type: "post", post };
      return {
        valid: { index, record },
        errors: [],
        warnings: recordWarnings(record).map((message) => ({ index, message })),
      };
    }
  }

  const type = (value as { type?: unknown }).type;
  if (type === undefined) return fail("type", "is required");
  if (typeof type !== "string" || !(type in RECORD_SCHEMAS))
    return fail(
      "type",
      `unknown record type ${JSON.stringify(type)} (expected one of ${RECORD_TYPES.join(", ")})`,
    );
  if (!(type in value))
    return fail(type, `is required: a "${type}" record carries its fields under the "${type}" key`);

  const parsed = ZIngestRecord.safeParse(value);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      index,
      field: issue.path.map(String).join(".") || type,
      message: issue.message,
    }));
    return { errors, warnings: [] };
  }

  const record = parsed.data;
  const warnings = recordWarnings(record).map((message) => ({ index, message }));
  const valid: ValidRecord = { index, record };

  return { valid, errors: [], warnings };
}

async function checkSourceFile(
  checked: RecordValidation,
  filesDir: string,
  missingFiles: ValidateOptions["missingFiles"],
): Promise<RecordValidation> {
  const valid = checked.valid!;
  const { index } = valid;
  const warnings = [...checked.warnings];
  if (valid.record.type !== "file_info") return checked;
  const file = valid.record.file_info;
  if (file.path === "") {
    warnings.push({
      index,
      message: `file_info ${file.id} has no path, so no bytes were stored for it`,
    });
    return { valid, errors: [], warnings };
  }
  const source = await resolveSourceFile({ filesDir, relativePath: file.path });
  if (!source.ok && source.missing && missingFiles === "warn") {
    warnings.push({
      index,
      message: `attachment file "${file.path}" is missing from the files directory; the post and its file info are kept without the bytes`,
    });
    return { valid, errors: [], warnings };
  }
  if (!source.ok)
    return { errors: [{ index, field: "file_info.path", message: source.message }], warnings };
  const withSource = { ...valid, sourceFile: source.path };
  if (file.size !== source.size)
    warnings.push({
      index,
      message: `file_info ${file.id} says size ${file.size} but "${file.path}" has ${source.size} bytes`,
    });
  return { valid: withSource, errors: [], warnings };
}

/**
 * Whether a JSON text may hold text that findUnstorableText refuses: an escaped NUL or an escaped
 * surrogate (JSON cannot hold either unescaped, and decoded UTF-8 has no lone surrogates). False:
 * no record parsed from it needs the per-record look (validateRecordSync's textScanned).
 */
export function jsonMayHoldUnstorableText(json: string): boolean {
  return json.includes("\\u0000") || /\\u[dD][89abcdefABCDEF]/.test(json);
}

/**
 * A cheap look for what findUnstorableText finds: JSON.stringify writes NUL as \u0000 and a lone
 * surrogate as \udXXX (a paired one, an emoji, stays as it is). A false alarm (a text that spells
 * "\u0000") only costs the full walk.
 */
function mayHoldUnstorableText(value: unknown): boolean {
  const json = JSON.stringify(value);
  return json.includes("\\u0000") || /\\ud[89a-f]/.test(json);
}

function recordWarnings(record: IngestRecord): string[] {
  const warnings: string[] = [];
  // Bots get synthetic addresses (Mattermost: "<username>@localhost"), so only people are checked.
  if (record.type === "user" && !record.user.is_bot) {
    const u = record.user;
    if (u.email === "") {
      warnings.push(`user ${u.username} has no email address`);
    } else {
      const problem = emailProblem(u.email);
      if (problem)
        warnings.push(
          `user ${u.username} has a malformed email ${JSON.stringify(u.email)} (kept as sent): ${problem}`,
        );
    }
  }
  const body = bodyOf(record);
  for (const field of Object.keys(body)) {
    const time = body[field];
    if (typeof time !== "number" || !isTimeField(field)) continue;
    if (time > 0 && time < SECONDS_LOOKALIKE) {
      warnings.push(
        `${record.type}.${field} ${time} looks like seconds; times are epoch milliseconds`,
      );
      break;
    }
  }
  if (
    "create_at" in body &&
    "update_at" in body &&
    (body.update_at as number) < (body.create_at as number)
  )
    warnings.push(`${record.type}.update_at is before create_at`);
  return warnings;
}

function bodyOf(record: IngestRecord): Record<string, unknown> {
  const body = (record as unknown as Record<RecordType, Record<string, unknown>>)[record.type];
  return record.type === "post_created" ? (body.post as Record<string, unknown>) : body;
}

function isTimeField(field: string): boolean {
  return field.endsWith("_at") || field.endsWith("_time") || field === "time";
}
