import { z } from "zod";
import { FILE_ALGORITHM, KEY_WRAP_ALGORITHM, type FileEnvelope } from "./envelope.ts";

/**
 * `encryption.json`, the last entry of every batch zip written with "decrypt" off: per attachment
 * (its path in the zip) what decrypts it with the attachment key named by key_id.
 * docs/attachment-encryption.md describes it; docs/encryption.schema.json is its JSON Schema.
 */
export const ENCRYPTION_FILE = "encryption.json";

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "not base64");

export const ZEncryptedEntry = z.object({
  path: z.string().min(1),
  algorithm: z.literal(FILE_ALGORITHM),
  key_id: z.string().min(1),
  key_wrap: z.literal(KEY_WRAP_ALGORITHM),
  wrapped_key: base64,
  nonce: base64,
  tag: base64,
  plaintext_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  plaintext_size: z.number().int().nonnegative(),
});
export type EncryptedEntry = z.infer<typeof ZEncryptedEntry>;

export const ZEncryptionManifest = z.object({
  version: z.literal(1),
  /** The attachment keys this batch needs (`keys export --id`). */
  key_ids: z.array(z.string()),
  files: z.array(ZEncryptedEntry),
});
export type EncryptionManifest = z.infer<typeof ZEncryptionManifest>;

export function encryptedEntry(
  path: string,
  envelope: FileEnvelope,
  plaintext: { sha256: string; size: number },
): EncryptedEntry {
  return {
    path,
    algorithm: envelope.alg,
    key_id: envelope.keyId,
    key_wrap: envelope.keyWrap,
    wrapped_key: envelope.wrappedKey,
    nonce: envelope.nonce,
    tag: envelope.tag,
    plaintext_sha256: plaintext.sha256,
    plaintext_size: plaintext.size,
  };
}

export function renderEncryptionManifest(files: EncryptedEntry[]): string {
  const manifest: EncryptionManifest = {
    version: 1,
    key_ids: [...new Set(files.map((f) => f.key_id))].sort(),
    files,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
