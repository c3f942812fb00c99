import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "../config/env.ts";
import { UserError } from "../errors/user-error.ts";
import { withIngestTransaction } from "./with-ingest-transaction.ts";

/**
 * Custodian's local store of attachment bytes, one file per FileInfo id:
 *   <fileStoreDir>/<first 2 hex of sha256(id)>/<id, or "x." + sha256(id) when the id is not [a-z0-9_-]>
 * plus "<that>.meta" ({"sha256","size"}). The key depends only on the id, so bytes may arrive
 * before their file_info record: applying a file_info links bytes already stored under its id.
 */

export type StoredFile = { storeKey: string; sha256: string; size: number };

const SAFE_ID = /^[a-z0-9_-]{1,64}$/;
// "." is outside SAFE_ID, so a hashed name can never equal an id used as is.
const STORE_KEY = /^[0-9a-f]{2}\/(?:[a-z0-9_-]{1,64}|x\.[0-9a-f]{64})$/;

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function storeKeyForFile(fileId: string): string {
  if (fileId.length === 0 || fileId.length > 64 || fileId.includes("\u0000"))
    throw new UserError("A file id must be 1 to 64 characters without NUL.", 400);
  const hash = sha256Hex(fileId);
  return `${hash.slice(0, 2)}/${SAFE_ID.test(fileId) ? fileId : `x.${hash}`}`;
}

function storePath(storeKey: string): string {
  if (!STORE_KEY.test(storeKey)) throw new UserError(`Not a file store key: ${JSON.stringify(storeKey)}`, 400);
  return path.join(env().fileStoreDir, storeKey);
}

/** Streams bytes into the store (temp file, fsync, rename) and returns where they are, their sha256 and size. */
export async function writeFileBytes(options: {
  fileId: string;
  source: Readable;
  maxBytes?: number;
  /** false skips the fsync: only for bytes that can be made again (generated demo data). */
  durable?: boolean;
}): Promise<StoredFile> {
  const storeKey = storeKeyForFile(options.fileId);
  const finalPath = storePath(storeKey);
  const tmpDir = path.join(env().fileStoreDir, "tmp");
  await mkdir(tmpDir, { recursive: true });
  await mkdir(path.dirname(finalPath), { recursive: true });
  const tmp = path.join(tmpDir, `${randomBytes(12).toString("hex")}.part`);
  const hash = createHash("sha256");
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        done(new UserError(`The file is larger than the limit of ${options.maxBytes} bytes.`, 413));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(options.source, measure, createWriteStream(tmp, { flags: "wx", mode: 0o600 }));
    if (options.durable !== false) {
      // fsync through a second descriptor: the data must be on disk before the rename publishes it.
      const handle = await open(tmp, "r+");
      await handle.sync().finally(() => handle.close());
    }
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await rename(tmp, finalPath);
  const stored = { storeKey, sha256: hash.digest("hex"), size };
  await writeSmallFileAtomically(`${finalPath}.meta`, JSON.stringify({ sha256: stored.sha256, size }), tmpDir);
  return stored;
}

// No fsync: a lost or torn sidecar only means the bytes are not linked until uploaded again.
async function writeSmallFileAtomically(target: string, text: string, tmpDir: string): Promise<void> {
  const tmp = path.join(tmpDir, `${randomBytes(12).toString("hex")}.part`);
  await writeFile(tmp, text, { flag: "wx", mode: 0o600 });
  await rename(tmp, target);
}

/** The bytes already stored under a file id, or null. */
export async function findStoredFile(fileId: string): Promise<StoredFile | null> {
  const storeKey = storeKeyForFile(fileId);
  try {
    const meta = JSON.parse(await readFile(`${storePath(storeKey)}.meta`, "utf8")) as { sha256: string; size: number };
    return { storeKey, sha256: meta.sha256, size: meta.size };
  } catch {
    return null;
  }
}

/**
 * For POST /api/v1/ingest/files/<fileId>: stores the bytes and links them to the FileInfo row if
 * it exists (linked: true). If it does not exist yet, the bytes stay and the file_info record
 * links them when it arrives. maxBytes: refuse (UserError 413) and keep nothing past this size.
 */
export async function storeFileBytes(options: {
  fileId: string;
  source: Readable;
  maxBytes?: number;
}): Promise<StoredFile & { linked: boolean }> {
  const stored = await writeFileBytes(options);
  // The same bytes sent again change nothing: every write to FileInfo is a new version in the change feed.
  const linked = await withIngestTransaction(async (sql) => {
    const rows = await sql.all(`SELECT "storeKey", "sha256" FROM "FileInfo" WHERE "id" = $1`, [options.fileId]);
    if (rows.length === 0) return false;
    if (rows[0]!.storeKey !== stored.storeKey || rows[0]!.sha256 !== stored.sha256)
      await sql.run(`UPDATE "FileInfo" SET "storeKey" = $1, "sha256" = $2 WHERE "id" = $3`, [stored.storeKey, stored.sha256, options.fileId]);
    return true;
  });
  return { ...stored, linked };
}

/** A read stream of stored bytes (FileInfo.storeKey). */
export function openStoredFile(storeKey: string): ReadStream {
  return createReadStream(storePath(storeKey));
}
