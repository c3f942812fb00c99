import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { currentAttachmentKey } from "./key-ring.ts";
import { newDataKey, fileEncryptor } from "./envelope.ts";
import {
  blobPath,
  envelopeOf,
  openLegacyPlaintext,
  readMeta,
  writeMeta,
  type StoredMeta,
} from "./stored-file.ts";
import type { StoreEntry } from "./walk-file-store.ts";

export type EncryptOutcome = "encrypted" | "already" | "changed" | "empty";

/** Where a test stops the migration of one file, as if the process were killed there. */
export type CrashPoint = "after-blob" | "after-meta";

/**
 * Encrypts one plaintext file of the store in place: ciphertext to a temp file, fsync, rename to
 * its blob name, then the .meta that names it (fsync), then the plaintext is removed. Killed at
 * any step, the file stays readable: before the .meta it is still the plaintext (the blob is an
 * orphan the sweep removes), after it the ciphertext (a leftover plaintext is removed next pass).
 * A concurrent upload of the same id wins: the .meta is compared just before it is replaced.
 * The sha256 kept is the one recorded at ingest when the bytes still match it, else theirs.
 */
export async function encryptStoredFile(options: {
  entry: StoreEntry;
  tmpDir: string;
  crashAt?: CrashPoint;
}): Promise<{ outcome: EncryptOutcome; mismatch?: boolean }> {
  const { entry, tmpDir } = options;
  const before = await readMeta(entry.dataPath);
  if (before?.encryption) {
    if (entry.hasPlaintext) await rm(entry.dataPath, { force: true });
    return { outcome: "already" };
  }
  if (!entry.hasPlaintext) return { outcome: "empty" };

  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${randomBytes(12).toString("hex")}.part`);
  const { dataKey, nonce } = newDataKey();
  const cipher = fileEncryptor(dataKey, nonce);
  const hash = createHash("sha256");
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    try {
      await pipeline(
        openLegacyPlaintext(entry.dataPath),
        measure,
        cipher,
        createWriteStream(tmp, { flags: "wx", mode: 0o600 }),
      );
    } catch (error) {
      // Gone meanwhile: an upload replaced it (its .meta names a blob now).
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { outcome: "changed" };
      throw error;
    }
    const handle = await open(tmp, "r+");
    await handle.sync().finally(() => handle.close());
    const sha256 = hash.digest("hex");
    const mismatch = before !== null && (before.sha256 !== sha256 || before.size !== size);
    const key = await currentAttachmentKey();
    const blob = randomBytes(8).toString("hex");
    const meta: StoredMeta = {
      sha256,
      size,
      encryption: { ...envelopeOf(key, dataKey, nonce, cipher.getAuthTag()), blob },
    };
    if (JSON.stringify(await readMeta(entry.dataPath)) !== JSON.stringify(before))
      return { outcome: "changed" };
    await rename(tmp, blobPath(entry.dataPath, blob));
    if (options.crashAt === "after-blob") throw new SimulatedCrash();
    await writeMeta({ dataPath: entry.dataPath, meta, tmpDir, durable: true });
    if (options.crashAt === "after-meta") throw new SimulatedCrash();
    await rm(entry.dataPath, { force: true });
    return { outcome: "encrypted", mismatch };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Thrown by the crash points (tests): the process "dies" there, leaving the disk as it is. */
export class SimulatedCrash extends Error {
  constructor() {
    super("simulated crash");
  }
}
