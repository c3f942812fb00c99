import { applyRecords } from "../apply-records.ts";
import type { ApplyResult } from "../types.ts";
import { jsonMayHoldUnstorableText } from "../validate-record.ts";

export type IngestBodyOutcome =
  | { kind: "applied"; records: number; result: ApplyResult }
  | { kind: "invalid-json" }
  | { kind: "not-an-array" };

/** POST /api/v1/ingest's body: a JSON array of records, validated and written all or nothing. */
export async function applyIngestText(text: string): Promise<IngestBodyOutcome> {
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch {
    return { kind: "invalid-json" };
  }
  if (!Array.isArray(records)) return { kind: "not-an-array" };
  return {
    kind: "applied",
    records: records.length,
    result: await applyRecords({ records, textScanned: !jsonMayHoldUnstorableText(text) }),
  };
}

/** The body as text (UTF-8), decoded where it is parsed (on the ingest thread in the server). */
export function decodeBody(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}
