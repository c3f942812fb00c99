import path from "node:path";
import type { Readable } from "node:stream";
import { encryptStoredFile } from "./encrypt-stored-file.ts";
import type { FileEnvelope } from "./envelope.ts";
import {
  dataKeyOf,
  openCurrent,
  verifyPass,
  type EncryptionRecord,
  type StoredMeta,
} from "./stored-file.ts";

/** What a stream of stored ciphertext stands for, for exports made with "decrypt" off. */
export type EncryptedSource = {
  envelope: FileEnvelope;
  plaintextSha256: string;
  plaintextSize: number;
};

const ENCRYPTED_SOURCE = Symbol.for("custodian.encryptedSource");

/** The envelope a stream carries (openCiphertext's, or passed on with carryEncryptedSource), or undefined for plaintext. */
export function encryptedSourceOf(stream: unknown): EncryptedSource | undefined {
  return (stream as { [ENCRYPTED_SOURCE]?: EncryptedSource } | null)?.[ENCRYPTED_SOURCE];
}

/** Marks `to` (a pass-through the ciphertext flows into) as carrying what `from` carries. */
export function carryEncryptedSource<T extends object>(from: unknown, to: T): T {
  const source = encryptedSourceOf(from);
  return source ? Object.assign(to, { [ENCRYPTED_SOURCE]: source }) : to;
}

/**
 * The stored ciphertext of a file as it is, with its envelope and the plaintext's sha256 and size;
 * authenticated first (a tampered file is an IntegrityError before any byte). A file the migration
 * has not reached yet is encrypted in the store first — the same step the migration takes — so a
 * batch written again contains the same bytes.
 */
export async function openCiphertext(
  dataPath: string,
  options: { tmpDir: string },
): Promise<Readable> {
  for (let attempt = 0; ; attempt++) {
    const { meta, handle } = await openCurrent(dataPath);
    if (meta?.encryption) {
      try {
        const m = meta as StoredMeta & { encryption: EncryptionRecord };
        await verifyPass(handle, m, await dataKeyOf(m.encryption));
        const { blob: _blob, ...envelope } = m.encryption;
        const source: EncryptedSource = {
          envelope,
          plaintextSha256: m.sha256,
          plaintextSize: m.size,
        };
        return Object.assign(handle.createReadStream({ start: 0 }), { [ENCRYPTED_SOURCE]: source });
      } catch (error) {
        await handle.close();
        throw error;
      }
    }
    await handle.close();
    if (attempt > 0)
      throw new Error(`${path.basename(dataPath)} could not be encrypted for export`);
    await encryptStoredFile({
      entry: { dataPath, hasPlaintext: true, hasMeta: meta !== null, blobs: [] },
      tmpDir: options.tmpDir,
    });
  }
}
