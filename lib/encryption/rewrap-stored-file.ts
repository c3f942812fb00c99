import { b64, unb64, unwrapDataKey, wrapDataKey } from "./envelope.ts";
import { attachmentKey, type AttachmentKey } from "./key-ring.ts";
import { readMeta, writeMeta } from "./stored-file.ts";
import type { StoreEntry } from "./walk-file-store.ts";

/**
 * Re-wraps one stored file's data key under `to` (a rotation): only its .meta changes, the
 * ciphertext stays as it is. Idempotent (AES key wrap is deterministic), so a rotation killed
 * midway simply runs again; an upload of the same id that lands meanwhile is not overwritten.
 */
export async function rewrapStoredFile(options: {
  entry: StoreEntry;
  to: AttachmentKey;
  tmpDir: string;
}): Promise<"rewrapped" | "current" | "plaintext" | "changed"> {
  const { entry, to } = options;
  const before = await readMeta(entry.dataPath);
  if (!before?.encryption) return "plaintext";
  if (before.encryption.keyId === to.id) return "current";
  const from = await attachmentKey(before.encryption.keyId);
  const dataKey = unwrapDataKey(from.bytes, unb64(before.encryption.wrappedKey));
  const meta = {
    ...before,
    encryption: {
      ...before.encryption,
      keyId: to.id,
      wrappedKey: b64(wrapDataKey(to.bytes, dataKey)),
    },
  };
  if (JSON.stringify(await readMeta(entry.dataPath)) !== JSON.stringify(before)) return "changed";
  await writeMeta({ dataPath: entry.dataPath, meta, tmpDir: options.tmpDir, durable: true });
  return "rewrapped";
}
