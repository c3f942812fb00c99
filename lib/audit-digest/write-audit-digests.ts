import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { db } from "../db/client.ts";
import { logger } from "../log/logger.ts";
import {
  DIGEST_VERSION,
  HEAD_KEY,
  HOUR_MS,
  SETTLE_MS,
  digestDir,
  hashRange,
  hourName,
  hourStart,
  readHead,
  renderDigest,
  sha256Hex,
  type DigestHead,
  type DigestPrevious,
} from "./digest-format.ts";

export type WriteDigestsResult = {
  /** Hours digested by this call (file names without .json). */
  written: string[];
  /** Set when a digest file already exists with other content: nothing is overwritten, run verify-audit. */
  conflict?: string;
};

/**
 * Writes the signed hourly digests the audit log is still missing (rule: see digest-format.ts), oldest
 * first, each to <dataDir>/logs/audit-digests/<YYYY-MM-DDTHH>Z.json (temp file + fsync + rename), and
 * after each one moves the anchored head in Setting[AuditDigestHead] to it. Idempotent: the content is
 * a pure function of the records and the chain, so a re-run (or a second instance racing this one)
 * writes the same bytes or nothing; an existing file with different content is never overwritten.
 *
 * The head in the database catches tail truncation of the files; operators should also copy the digest
 * directory (and the head) off the machine, e.g. to WORM storage, since whoever can rewrite both the
 * database and the data directory can otherwise rewrite history.
 */
export async function writeAuditDigests(options: { now?: Date } = {}): Promise<WriteDigestsResult> {
  const now = (options.now ?? new Date()).getTime();
  // Exclusive end of the newest hour that may be digested (ended at least SETTLE_MS ago).
  const cutoffEnd = Math.floor((now - SETTLE_MS) / HOUR_MS) * HOUR_MS;
  const dir = digestDir();
  const written: string[] = [];
  let head: DigestHead | null = await readHead();
  let lastId = head?.last_id ?? 0;
  let previous: DigestPrevious | null = head
    ? { hour: head.hour, digest_sha256: head.digest_sha256 }
    : null;

  for (;;) {
    const min = await db().auditRecord.aggregate({
      where: { id: { gt: lastId } },
      _min: { timestamp: true },
    });
    const first = min._min.timestamp;
    if (!first) break;
    // A backdated record (timestamp in or before the previous digest's hour) joins the next hour, so
    // digest hours strictly increase and no file is ever written twice.
    const floorEnd = previous ? hourStart(previous.hour) + 2 * HOUR_MS : 0;
    const hourEnd = Math.max(Math.floor(first.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS, floorEnd);
    if (hourEnd > cutoffEnd) break;
    const max = await db().auditRecord.aggregate({
      where: { id: { gt: lastId }, timestamp: { lt: new Date(hourEnd) } },
      _max: { id: true },
    });
    const upper = max._max.id!;
    const firstRow = await db().auditRecord.findFirst({
      where: { id: { gt: lastId } },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    const range = await hashRange(lastId, upper);
    const hour = hourName(hourEnd - HOUR_MS);
    const text = renderDigest({
      version: DIGEST_VERSION,
      hour,
      first_id: firstRow!.id,
      last_id: upper,
      count: range.count,
      records_sha256: range.sha256,
      previous,
    });
    const file = path.join(dir, `${hour}.json`);
    const existing = await readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return null;
      throw e;
    });
    if (existing !== null && existing !== text) {
      const conflict = `audit digest ${file} exists with different content; not overwritten (run verify-audit)`;
      logger().error({ hour }, conflict);
      return { written, conflict };
    }
    if (existing === null) {
      await writeAtomic(dir, file, text);
      written.push(hour);
    }
    const digestSha = sha256Hex(text);
    head = { hour, digest_sha256: digestSha, last_id: upper };
    const value = JSON.stringify(head);
    await db().setting.upsert({
      where: { key: HEAD_KEY },
      create: { key: HEAD_KEY, value },
      update: { value },
    });
    previous = { hour, digest_sha256: digestSha };
    lastId = upper;
  }
  return { written };
}

async function writeAtomic(dir: string, file: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fh = await open(tmp, "wx", 0o600);
    try {
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  const dh = await open(dir, "r").catch(() => null);
  if (dh)
    await dh
      .sync()
      .catch(() => {})
      .finally(() => dh.close());
}
