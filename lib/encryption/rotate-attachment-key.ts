import path from "node:path";
import { env } from "../config/env.ts";
import {
  createAttachmentKey,
  findCurrentAttachmentKey,
  listAttachmentKeys,
  retireAttachmentKeys,
} from "./key-ring.ts";
import { rewrapStoredFile } from "./rewrap-stored-file.ts";
import { walkFileStore } from "./walk-file-store.ts";

export type RotationResult = {
  /** The key every stored file is wrapped under now. */
  keyId: string;
  /** A rotation that had stopped midway was continued (no new key). */
  resumed: boolean;
  rewrapped: number;
  retired: string[];
  /** false when `limit` stopped it: the old keys are not retired yet; run it again. */
  finished: boolean;
  /** Files still stored in plaintext (the migration encrypts them; a rotation does not). */
  plaintext: number;
};

/**
 * `keys rotate`: adds a new attachment key, re-wraps every stored file's data key under it (the
 * ciphertext is not touched), checks that no file is left under another key, then retires the
 * older keys. A rotation that stopped (killed, or `limit` files in tests) leaves the ring with more
 * than one key in use; the next call — `keys rotate` again, or the worker's sweep — continues it
 * instead of adding yet another key.
 */
export async function rotateAttachmentKey(
  options: { limit?: number; resumeOnly?: boolean; now?: Date } = {},
): Promise<RotationResult | null> {
  const root = env().fileStoreDir;
  const tmpDir = path.join(root, "tmp");
  const unretired = (await listAttachmentKeys()).filter((k) => !k.retiredAt);
  let resumed = unretired.length > 1;
  if (!resumed && options.resumeOnly) return null;
  let to = resumed ? await findCurrentAttachmentKey() : null;
  if (!to) {
    const made = await createAttachmentKey();
    resumed = !made.created;
    to = made;
  }
  const result: RotationResult = {
    keyId: to.id,
    resumed,
    rewrapped: 0,
    retired: [],
    finished: false,
    plaintext: 0,
  };
  // A second pass finds files an upload wrapped under the old key while the first one ran.
  let clean = false;
  for (let pass = 0; pass < 3 && !clean; pass++) {
    let left = 0;
    result.plaintext = 0;
    for await (const entry of walkFileStore(root)) {
      if (options.limit !== undefined && result.rewrapped >= options.limit) return result;
      const outcome = await rewrapStoredFile({ entry, to, tmpDir });
      if (outcome === "rewrapped") {
        result.rewrapped++;
        left++;
      } else if (outcome === "plaintext" && entry.hasPlaintext) result.plaintext++;
      else if (outcome === "changed") left++;
    }
    clean = left === 0;
  }
  if (!clean) return result;
  const stale = (await listAttachmentKeys())
    .filter((k) => !k.retiredAt && k.id !== to.id)
    .map((k) => k.id);
  await retireAttachmentKeys(stale, options.now);
  result.retired = stale;
  result.finished = true;
  return result;
}
