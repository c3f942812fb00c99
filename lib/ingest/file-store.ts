import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "../config/env.ts";
import { openPlaintext, readMeta, startFileEncryption } from "../encryption/stored-file.ts";
import { UserError } from "../errors/user-error.ts";
import { withIngestTransaction } from "./with-ingest-transaction.ts";

/**
 * Custodian's local store of attachment bytes, one file per FileInfo id:
 *   <fileStoreDir>/<first 2 hex of sha256(id)>/<id, or "x." + sha256(id) when the id is not [a-z0-9_-]>
 * with "<that>.meta" ({"sha256","size","encryption"}) and the bytes AES-256-GCM encrypted beside it
 * (lib/encryption/stored-file.ts, docs/attachment-encryption.md). The key depends only on the id, so
 * bytes may arrive before their file_info record: applying a file_info links bytes already stored
 * under its id. sha256 and size are the plaintext's: a file's identity does not change with its key.
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

export function storePath(storeKey: string): string {
  if (!STORE_KEY.test(storeKey))
    throw new UserError(`Not a file store key: ${JSON.stringify(storeKey)}`, 400);
  return path.join(env().fileStoreDir, storeKey);
}

/** Streams bytes into the store encrypted (temp file, fsync, rename, then the .meta) and returns where they are, their sha256 and size. */
export async function writeFileBytes(options: {
  fileId: string;
  source: Readable;
  maxBytes?: number;
  /** false skips the fsync: only for bytes that can be made again (generated demo data). */
  durable?: boolean;
}): Promise<StoredFile> {
  const storeKey = storeKeyForFile(options.fileId);
  const finalPath = storePath(storeKey);
  const tmpDir = storeTmpDir();
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
  const encryption = startFileEncryption();
  const durable = options.durable !== false;
  try {
    await pipeline(
      options.source,
      measure,
      encryption.cipher,
      createWriteStream(tmp, { flags: "wx", mode: 0o600 }),
    );
    if (durable) {
      // fsync through a second descriptor: the data must be on disk before the rename publishes it.
      const handle = await open(tmp, "r+");
      await handle.sync().finally(() => handle.close());
    }
    const meta = await encryption.publish({
      dataPath: finalPath,
      tmp,
      tmpDir,
      sha256: hash.digest("hex"),
      size,
      durable,
    });
    return { storeKey, sha256: meta.sha256, size };
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export function storeTmpDir(): string {
  return path.join(env().fileStoreDir, "tmp");
}

/** The bytes already stored under a file id, or null. */
export async function findStoredFile(fileId: string): Promise<StoredFile | null> {
  const storeKey = storeKeyForFile(fileId);
  try {
    const meta = await readMeta(storePath(storeKey));
    return meta ? { storeKey, sha256: meta.sha256, size: meta.size } : null;
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
    const rows = await sql.all(`SELECT "storeKey", "sha256" FROM "FileInfo" WHERE "id" = $1`, [
      options.fileId,
    ]);
    if (rows.length === 0) return false;
    if (rows[0]!.storeKey !== stored.storeKey || rows[0]!.sha256 !== stored.sha256)
      await sql.run(`UPDATE "FileInfo" SET "storeKey" = $1, "sha256" = $2 WHERE "id" = $3`, [
        stored.storeKey,
        stored.sha256,
        options.fileId,
      ]);
    return true;
  });
  return { ...stored, linked };
}

/**
 * The plaintext of stored bytes (FileInfo.storeKey), streamed and decrypted; an encrypted file is
 * authenticated before its first byte is returned (IntegrityError from lib/encryption/envelope.ts).
 */
export async function openStoredFile(storeKey: string): Promise<Readable> {
  return openPlaintext(storePath(storeKey));
}
