import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import path from "node:path";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { canonicalJson } from "../export/manifest/manifest-format.ts";
import { derivedKey } from "../settings/secret-box.ts";

// The signed hourly digest chain over the audit log (RELIABILITY.md "Design decisions" and check 22).
// The audit records themselves keep Mattermost's exact shape; integrity lives beside them, here.
//
// Rule (what one digest covers): digests are named by a closed UTC hour H. The digest for H covers the
// contiguous id range (previous digest's last_id, L], where L is the highest AuditRecord id whose
// timestamp is before the end of H. Hours with no records get no digest; the chain simply continues
// (`previous` names the last digest written, whatever hour that was). Every record is therefore covered
// by exactly one digest, in id order, with no holes between digests. An hour is digested only once it
// ended at least SETTLE_MS ago, so rows still being committed around the hour boundary are not missed.

export const DIGEST_VERSION = 1;
export const HEAD_KEY = "AuditDigestHead";
export const SETTLE_MS = 5 * 60_000;
export const HOUR_MS = 3_600_000;
export const PAGE = 2_000;
export const DIGEST_NAME = /^(\d{4}-\d{2}-\d{2}T\d{2}Z)\.json$/;

export type DigestPrevious = { hour: string; digest_sha256: string };
export type UnsignedDigest = {
  version: number;
  hour: string;
  first_id: number;
  last_id: number;
  count: number;
  records_sha256: string;
  previous: DigestPrevious | null;
};
export type AuditDigest = UnsignedDigest & { signature: string };
/** The externally anchored head, stored in Setting[AuditDigestHead]. */
export type DigestHead = { hour: string; digest_sha256: string; last_id: number };

export function digestDir(): string {
  return path.join(env().dataDir, "logs", "audit-digests");
}

/** "2026-01-01T05Z" for any instant inside that UTC hour. */
export function hourName(ms: number): string {
  return `${new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13)}Z`;
}

export function hourStart(hour: string): number {
  return Date.parse(`${hour.slice(0, 13)}:00:00.000Z`);
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function key(): Buffer {
  return derivedKey("audit-digests");
}

export function signDigest(body: UnsignedDigest): string {
  const { signature: _ignored, ...rest } = body as UnsignedDigest & { signature?: unknown };
  return createHmac("sha256", key()).update(canonicalJson(rest)).digest("hex");
}

/** Stored form: fixed key order, signature last, 2-space indent, trailing newline. Deterministic. */
export function renderDigest(body: UnsignedDigest): string {
  const ordered: AuditDigest = {
    version: body.version,
    hour: body.hour,
    first_id: body.first_id,
    last_id: body.last_id,
    count: body.count,
    records_sha256: body.records_sha256,
    previous: body.previous
      ? { hour: body.previous.hour, digest_sha256: body.previous.digest_sha256 }
      : null,
    signature: signDigest(body),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function verifyDigestSignature(value: unknown): value is AuditDigest {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const { signature, ...rest } = value as Record<string, unknown>;
  if (typeof signature !== "string" || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const expected = createHmac("sha256", key()).update(canonicalJson(rest)).digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

export async function readHead(): Promise<DigestHead | null> {
  const row = await db().setting.findUnique({ where: { key: HEAD_KEY } });
  if (!row) return null;
  try {
    const v = JSON.parse(row.value) as DigestHead;
    if (
      typeof v.hour === "string" &&
      typeof v.digest_sha256 === "string" &&
      Number.isInteger(v.last_id)
    )
      return v;
  } catch {
    // fall through
  }
  throw new Error(`Setting ${HEAD_KEY} is not a digest head: ${row.value.slice(0, 200)}`);
}

export type RangeHash = { count: number; sha256: string; ids: number[] };

/**
 * SHA-256 over the exact json of the records with lower < id <= upper, in id order, joined with "\n".
 * Paged, so an hour of any size hashes in bounded memory (ids are kept only for gap reporting).
 */
export async function hashRange(lower: number, upper: number, keepIds = false): Promise<RangeHash> {
  const h = createHash("sha256");
  const ids: number[] = [];
  let count = 0;
  let after = lower;
  for (;;) {
    const rows = await db().auditRecord.findMany({
      where: { id: { gt: after, lte: upper } },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, json: true },
    });
    for (const r of rows) {
      if (count > 0) h.update("\n");
      h.update(r.json);
      count++;
      if (keepIds) ids.push(r.id);
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  return { count, sha256: h.digest("hex"), ids };
}
