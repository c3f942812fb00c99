import path from "node:path";
import { env } from "../config/env.ts";
import { logger } from "../log/logger.ts";
import { encryptStoredFile, type CrashPoint } from "./encrypt-stored-file.ts";
import { currentAttachmentKey } from "./key-ring.ts";
import { noteKeyCreated } from "./key-events.ts";
import { walkFileStore } from "./walk-file-store.ts";

export type EncryptStoreResult = {
  /** Files encrypted by this pass. */
  encrypted: number;
  /** Of those, files whose bytes no longer matched the SHA-256 recorded at ingest (kept as they are; the export reports them). */
  mismatched: number;
  /** Plaintext files the pass left because `limit` stopped it. */
  remaining: number;
};

/**
 * The migration of a store written before encryption: every plaintext file is encrypted in place
 * (encrypt-stored-file.ts), one at a time, in the store's name order. Resumable from any point: a
 * pass that was killed or stopped by `limit` starts again and finds only what is left.
 * crashAt (tests): the file after `limit` stops at that step as if the process were killed.
 */
export async function encryptFileStore(
  options: {
    limit?: number;
    crashAt?: CrashPoint;
    component?: "cli" | "worker";
    onFile?: (done: number) => void;
  } = {},
): Promise<EncryptStoreResult> {
  const root = env().fileStoreDir;
  const tmpDir = path.join(root, "tmp");
  const key = await currentAttachmentKey();
  if (key.created) await noteKeyCreated(key.id, options.component ?? "worker");
  const result: EncryptStoreResult = { encrypted: 0, mismatched: 0, remaining: 0 };
  for await (const entry of walkFileStore(root)) {
    if (!entry.hasPlaintext) continue;
    if (options.limit !== undefined && result.encrypted >= options.limit && !options.crashAt) {
      result.remaining++;
      continue;
    }
    const crashAt =
      options.crashAt && result.encrypted >= (options.limit ?? 0) ? options.crashAt : undefined;
    const { outcome, mismatch } = await encryptStoredFile({ entry, tmpDir, crashAt });
    if (outcome === "encrypted") {
      result.encrypted++;
      options.onFile?.(result.encrypted);
      if (mismatch) {
        result.mismatched++;
        logger().warn(
          { file: path.relative(root, entry.dataPath) },
          "a stored file no longer matched the SHA-256 recorded at ingest; encrypted as it is",
        );
      }
    }
  }
  return result;
}
