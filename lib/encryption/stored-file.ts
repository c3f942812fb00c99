import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { pipeline, Transform, Writable, type Readable } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import { attachmentKey, currentAttachmentKey, type AttachmentKey } from "./key-ring.ts";
import { noteKeyCreated } from "./key-events.ts";
import {
  b64,
  FILE_ALGORITHM,
  fileDecryptor,
  fileEncryptor,
  IntegrityError,
  isAuthenticationFailure,
  KEY_WRAP_ALGORITHM,
  newDataKey,
  unb64,
  unwrapDataKey,
  wrapDataKey,
  type FileEnvelope,
} from "./envelope.ts";

// How the attachment store keeps one file (docs/attachment-encryption.md). Its place is a path
// derived from the file id (file-store.ts); around it:
//   <path>.meta           {"sha256","size"[,"encryption"]}: the plaintext's identity, and the envelope
//   <path>.<blob>.enc     the AES-256-GCM ciphertext, a new name per write (blob: 16 hex digits)
//   <path>                plaintext of a version before encryption, until the migration encrypts it
// The .meta is the commit point: the ciphertext is complete and synced before the .meta that names
// it is renamed into place, so a crash leaves the old or the new version, never a .meta naming bytes
// that are not there. A superseded .enc is removed by the store sweep an hour later (a reader that
// read the old .meta may still be opening it); a plaintext file as soon as a .meta names a blob.

export type EncryptionRecord = FileEnvelope & { blob: string };
export type StoredMeta = { sha256: string; size: number; encryption?: EncryptionRecord };

const BLOB = /^[0-9a-f]{16}$/;

export const blobPath = (dataPath: string, blob: string): string => `${dataPath}.${blob}.enc`;
export const metaPath = (dataPath: string): string => `${dataPath}.meta`;

/** The .meta of a stored file, or null when there is none. */
export async function readMeta(dataPath: string): Promise<StoredMeta | null> {
  let text: string;
  try {
    text = await readFile(metaPath(dataPath), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const meta = JSON.parse(text) as StoredMeta;
  if (meta.encryption && !BLOB.test(meta.encryption.blob))
    throw new Error(`${metaPath(dataPath)} names no valid blob`);
  return meta;
}

/** Writes a .meta through a temp file and a rename; durable: fsync first (it holds the wrapped data key). */
export async function writeMeta(options: {
  dataPath: string;
  meta: StoredMeta;
  tmpDir: string;
  durable: boolean;
}): Promise<void> {
  const tmp = path.join(options.tmpDir, `${randomBytes(12).toString("hex")}.part`);
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(JSON.stringify(options.meta));
    if (options.durable) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, metaPath(options.dataPath));
  if (options.durable) await syncDirectory(path.dirname(options.dataPath));
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  await handle.sync().finally(() => handle.close());
}

/**
 * Encryption of one new version: pipe the plaintext through `cipher` into a temp file, then
 * `publish` it. The data key is wrapped at publish time, with the key current then, so a rotation
 * that starts during a long upload does not miss it.
 */
export function startFileEncryption(): {
  cipher: Transform;
  publish: (options: {
    dataPath: string;
    tmp: string;
    tmpDir: string;
    sha256: string;
    size: number;
    durable: boolean;
  }) => Promise<StoredMeta>;
} {
  const { dataKey, nonce } = newDataKey();
  const cipher = fileEncryptor(dataKey, nonce);
  return {
    cipher,
    async publish(options) {
      const key = await currentAttachmentKey();
      if (key.created) await noteKeyCreated(key.id);
      const blob = randomBytes(8).toString("hex");
      const encryption: EncryptionRecord = {
        ...envelopeOf(key, dataKey, nonce, cipher.getAuthTag()),
        blob,
      };
      await rename(options.tmp, blobPath(options.dataPath, blob));
      const meta = { sha256: options.sha256, size: options.size, encryption };
      await writeMeta({
        dataPath: options.dataPath,
        meta,
        tmpDir: options.tmpDir,
        durable: options.durable,
      });
      // The bytes before encryption, if this id had some: the .meta no longer names them.
      await rm(options.dataPath, { force: true });
      return meta;
    },
  };
}

export function envelopeOf(
  key: AttachmentKey,
  dataKey: Buffer,
  nonce: Buffer,
  tag: Buffer,
): FileEnvelope {
  return {
    alg: FILE_ALGORITHM,
    keyWrap: KEY_WRAP_ALGORITHM,
    keyId: key.id,
    wrappedKey: b64(wrapDataKey(key.bytes, dataKey)),
    nonce: b64(nonce),
    tag: b64(tag),
  };
}

/** The data key of an envelope, unwrapped with its attachment key from the ring. */
export async function dataKeyOf(envelope: FileEnvelope): Promise<Buffer> {
  return unwrapDataKey((await attachmentKey(envelope.keyId)).bytes, unb64(envelope.wrappedKey));
}

/** Where a file's current bytes are, read consistently: the .meta, then its blob (or the plaintext). */
export async function openCurrent(
  dataPath: string,
): Promise<{ meta: StoredMeta | null; handle: FileHandle }> {
  // A migration or an upload may replace the version between reading the .meta and opening its
  // bytes (the plaintext goes at once); the .meta read again then names the new one.
  for (let attempt = 0; ; attempt++) {
    const meta = await readMeta(dataPath);
    try {
      return {
        meta,
        handle: await open(
          meta?.encryption ? blobPath(dataPath, meta.encryption.blob) : dataPath,
          "r",
        ),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt > 0) throw error;
      const again = await readMeta(dataPath);
      if (JSON.stringify(again) === JSON.stringify(meta)) throw error;
    }
  }
}

/**
 * Decrypts the whole file once, discarding the plaintext, and checks the tag, the size and the
 * SHA-256 recorded at write: what a reader needs before it hands out any plaintext (GCM proves
 * authenticity only at the end of the stream). Throws IntegrityError.
 */
export async function verifyPass(
  handle: FileHandle,
  meta: StoredMeta & { encryption: EncryptionRecord },
  dataKey: Buffer,
): Promise<void> {
  const e = meta.encryption;
  const hash = createHash("sha256");
  let size = 0;
  let readError: unknown;
  const source = handle.createReadStream({ start: 0, autoClose: false });
  source.once("error", (error) => (readError = error));
  try {
    await pipelineAsync(
      source,
      fileDecryptor(dataKey, unb64(e.nonce), unb64(e.tag)),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done();
        },
      }),
    );
  } catch (error) {
    if (readError) throw readError;
    if (error instanceof IntegrityError) throw error;
    if (!isAuthenticationFailure(error)) throw error;
    throw new IntegrityError(
      "the stored ciphertext failed its AES-GCM authentication",
      hash.digest("hex"),
    );
  }
  const actual = hash.digest("hex");
  if (actual !== meta.sha256 || size !== meta.size)
    throw new IntegrityError("the stored file decrypts to other bytes than were received", actual);
}

/**
 * The plaintext of a stored file, streamed. An encrypted file is authenticated by a first pass
 * (`verify`, the default) before a byte is returned; the second pass checks the tag again at its
 * end, so bytes changed between the passes make the stream fail rather than end.
 */
export async function openPlaintext(
  dataPath: string,
  options: { verify?: boolean } = {},
): Promise<Readable> {
  const { meta, handle } = await openCurrent(dataPath);
  if (!meta?.encryption) return handle.createReadStream({ start: 0 });
  try {
    const dataKey = await dataKeyOf(meta.encryption);
    if (options.verify !== false)
      await verifyPass(handle, meta as StoredMeta & { encryption: EncryptionRecord }, dataKey);
    const decipher = fileDecryptor(
      dataKey,
      unb64(meta.encryption.nonce),
      unb64(meta.encryption.tag),
    );
    return pipeline(handle.createReadStream({ start: 0 }), decipher, () => {});
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads a plaintext file's bytes from disk for the migration: a plain stream, no .meta involved. */
export function openLegacyPlaintext(dataPath: string): Readable {
  return createReadStream(dataPath);
}
