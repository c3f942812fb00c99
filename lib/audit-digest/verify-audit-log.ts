import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { formatAuditTimestamp } from "../audit/format.ts";
import {
  DIGEST_NAME,
  PAGE,
  digestDir,
  hashRange,
  readHead,
  sha256Hex,
  verifyDigestSignature,
  type AuditDigest,
  type DigestHead,
} from "./digest-format.ts";

export type VerifyAuditResult = {
  ok: boolean;
  problems: string[];
  records: number;
  digests: number;
};

type Entry = { hour: string; file: string; sha: string; digest: AuditDigest | null };
type Row = {
  id: number;
  timestamp: Date;
  eventName: string;
  status: string;
  actorUserId: string;
  objectType: string;
  json: string;
};

const MAX_LISTED = 20;

/**
 * Verifies the audit log (RELIABILITY.md check 22). Read-only; writes no audit record.
 * - every digest file: signature, chain link to the previous digest, and its id range recomputed from
 *   AuditRecord (count, SHA-256 of the exact json lines in id order);
 * - the anchored head (Setting[AuditDigestHead]): its digest file exists and matches, and the table
 *   still reaches its last_id (tail truncation);
 * - every record: Mattermost's exact keys in order, columns agreeing with the json;
 * - the JSON-lines file: every database record's json appears there, in id order.
 * The JSON-lines file is read into memory whole; the table is paged.
 */
export async function verifyAuditLog(
  _options: Record<string, never> = {},
): Promise<VerifyAuditResult> {
  const problems: string[] = [];
  const entries = await readDigests();

  // 1. Digests: signature, chain, recomputed ranges.
  let prev: Entry | undefined;
  for (const e of entries) {
    const d = e.digest;
    if (!d || d.hour !== e.hour) {
      problems.push(
        d
          ? `digest file ${e.hour}.json holds the digest of ${d.hour} (renamed)`
          : `signature verification failed ${e.hour}`,
      );
      e.digest = null; // untrusted: no range check, and the next link is not judged against it
      prev = e;
      continue;
    }
    let linked = false;
    if (!prev) {
      if (d.previous) problems.push(`chain gap ${d.previous.hour}`);
    } else if (!d.previous) {
      problems.push(`chain broken at ${e.hour}: no previous digest, but ${prev.hour} precedes it`);
    } else if (d.previous.hour !== prev.hour) {
      problems.push(`chain gap ${d.previous.hour}`);
    } else if (prev.digest && d.previous.digest_sha256 !== prev.sha) {
      problems.push(
        `chain broken at ${e.hour}: previous digest ${prev.hour} differs from the one it was chained to`,
      );
    } else if (prev.digest) {
      linked = true;
    }
    const lower = linked ? prev!.digest!.last_id : d.first_id - 1;
    const found = await hashRange(lower, d.last_id, true);
    if (found.count !== d.count) {
      problems.push(
        `count mismatch ${e.hour}: digest has ${d.count} records, database has ${found.count}`,
      );
      const missing = d.count - found.count;
      if (missing > 0) {
        const present = new Set(found.ids);
        const holes: number[] = [];
        for (let id = d.first_id; id <= d.last_id && holes.length <= missing; id++)
          if (!present.has(id)) holes.push(id);
        // Only name ids when the holes account exactly for the missing records (ids may have gaps).
        if (holes.length === missing)
          for (const id of holes.slice(0, MAX_LISTED)) problems.push(`missing record id ${id}`);
      }
    } else if (found.sha256 !== d.records_sha256) {
      problems.push(`hash mismatch ${e.hour}`);
    }
    prev = e;
  }

  // 2. The anchored head.
  let head: DigestHead | null = null;
  try {
    head = await readHead();
  } catch (error) {
    problems.push((error as Error).message);
  }
  const maxId = (await db().auditRecord.aggregate({ _max: { id: true } }))._max.id ?? 0;
  if (head) {
    const e = entries.find((x) => x.hour === head!.hour);
    if (!e) problems.push(`chain gap ${head.hour}`);
    else if (e.digest && (e.sha !== head.digest_sha256 || e.digest.last_id !== head.last_id))
      problems.push(`digest head mismatch ${head.hour}`);
    if (maxId < head.last_id)
      problems.push(`truncated: digest head says last id ${head.last_id}, found ${maxId}`);
  } else if (entries.length > 0) {
    problems.push(
      `digest head missing: ${entries.length} digest files but no anchored head (Setting AuditDigestHead)`,
    );
  }

  // 3. Records: shape, columns, and the JSON-lines file, in one pass.
  const file = env().auditLogFile;
  let lines: string[] | null = null;
  try {
    lines = (await readFile(file, "utf8")).split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const positions = new Map<string, number[]>();
  lines?.forEach((l, i) => {
    const list = positions.get(l);
    if (list) list.push(i);
    else positions.set(l, [i]);
  });
  let j = 0;
  let records = 0;
  let lastInFile = 0;
  const notInFile: number[] = [];
  const fileEnded: number[] = [];
  let extraLines = 0;
  const pageIter = pages();
  let buffer: Row[] = [];
  const next = async (): Promise<Row | undefined> => {
    if (buffer.length === 0) {
      const r = await pageIter.next();
      if (r.done) return undefined;
      buffer = r.value;
    }
    return buffer.shift();
  };
  const peek = async (): Promise<Row | undefined> => {
    const r = await next();
    if (r) buffer.unshift(r);
    return r;
  };
  for (let r = await next(); r; r = await next()) {
    records++;
    const shape = shapeProblem(r);
    if (shape) problems.push(`bad record shape ${r.id}: ${shape}`);
    if (!lines) continue;
    if (j >= lines.length) {
      fileEnded.push(r.id);
      continue;
    }
    if (lines[j] === r.json) {
      j++;
      lastInFile = r.id;
      continue;
    }
    const k = positions.get(r.json)?.find((i) => i > j);
    if (k !== undefined) {
      // Lines j..k-1 are in the file but not in the table: records deleted from the database.
      for (let i = j; i < k; i++) {
        extraLines++;
        if (extraLines <= MAX_LISTED)
          problems.push(
            `record missing from database: audit file line ${i + 1}${describe(lines[i]!)}`,
          );
      }
      j = k + 1;
      lastInFile = r.id;
      continue;
    }
    notInFile.push(r.id);
    if (notInFile.length <= MAX_LISTED) problems.push(`audit file differs at record ${r.id}`);
    // If the current line is not the next record's, it is this record's line, edited: consume it.
    const following = await peek();
    if (!following || lines[j] !== following.json) j++;
  }
  if (!lines && records > 0) problems.push(`audit file missing: ${file}`);
  if (lines) {
    if (notInFile.length > MAX_LISTED)
      problems.push(`audit file differs at ${notInFile.length - MAX_LISTED} more records`);
    if (extraLines > MAX_LISTED)
      problems.push(`${extraLines - MAX_LISTED} more audit file lines have no database record`);
    if (fileEnded.length > 0) {
      if (head && lastInFile < head.last_id)
        problems.push(
          `truncated: digest head says last id ${head.last_id}, audit file ends at record ${lastInFile}`,
        );
      else
        problems.push(
          `audit file ends before record ${fileEnded[0]} (${fileEnded.length} records missing from the file)`,
        );
    }
    if (j < lines.length)
      problems.push(
        `audit file has ${lines.length - j} line(s) after the last database record${maxId ? ` (id ${maxId})` : ""}`,
      );
  }
  return { ok: problems.length === 0, problems, records, digests: entries.length };
}

async function readDigests(): Promise<Entry[]> {
  const dir = digestDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const out: Entry[] = [];
  for (const name of names.filter((n) => DIGEST_NAME.test(n)).sort()) {
    const file = path.join(dir, name);
    const bytes = await readFile(file);
    let digest: AuditDigest | null = null;
    try {
      const parsed: unknown = JSON.parse(bytes.toString("utf8"));
      if (verifyDigestSignature(parsed)) digest = parsed;
    } catch {
      // unparseable: reported as a signature failure
    }
    out.push({ hour: DIGEST_NAME.exec(name)![1]!, file, sha: sha256Hex(bytes), digest });
  }
  return out;
}

async function* pages(): AsyncGenerator<Row[]> {
  let after = 0;
  for (;;) {
    const rows = await db().auditRecord.findMany({
      where: { id: { gt: after } },
      orderBy: { id: "asc" },
      take: PAGE,
    });
    if (rows.length) yield rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}

const TOP = ["timestamp", "event_name", "status", "actor", "event", "meta", "error"];
const ACTOR = ["user_id", "session_id", "client", "ip_address"];
const EVENT = ["parameters", "prior_state", "resulting_state", "object_type"];
const META = ["api_path", "cluster_id"];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} Z$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);
const sameKeys = (v: unknown, keys: string[]) =>
  isObject(v) && Object.keys(v).join(",") === keys.join(",");

/** Mattermost's record shape (AUDIT-LOG.md): exact keys in order, no extras; columns agree with it. */
function shapeProblem(r: Row): string | null {
  let rec: unknown;
  try {
    rec = JSON.parse(r.json);
  } catch {
    return "not JSON";
  }
  if (!sameKeys(rec, TOP)) return `keys ${isObject(rec) ? Object.keys(rec).join(",") : typeof rec}`;
  const o = rec as Record<string, Record<string, unknown>> & {
    timestamp: unknown;
    event_name: unknown;
    status: unknown;
  };
  if (!sameKeys(o.actor, ACTOR)) return "actor keys";
  if (!sameKeys(o.event, EVENT)) return "event keys";
  if (!sameKeys(o.meta, META)) return "meta keys";
  if (!sameKeys(o.error, []) && !sameKeys(o.error, ["description", "status_code"]))
    return "error keys";
  if (typeof o.timestamp !== "string" || !TIMESTAMP.test(o.timestamp)) return "timestamp";
  if (o.status !== "success" && o.status !== "fail") return "status";
  if (typeof o.event_name !== "string" || !o.event_name) return "event_name";
  for (const k of ["parameters", "prior_state", "resulting_state"])
    if (!isObject(o.event![k])) return `event.${k}`;
  if (
    o.timestamp !== formatAuditTimestamp(r.timestamp) ||
    o.event_name !== r.eventName ||
    o.status !== r.status ||
    o.actor!.user_id !== r.actorUserId ||
    o.event!.object_type !== r.objectType
  ) {
    return "columns differ from json";
  }
  return null;
}

function describe(line: string): string {
  try {
    const o = JSON.parse(line) as { timestamp?: unknown; event_name?: unknown };
    return ` (${String(o.timestamp)} ${String(o.event_name)})`;
  } catch {
    return "";
  }
}
