import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { env } from "../config/env.ts";
import { blobPath, readMeta } from "./stored-file.ts";
import { walkFileStore } from "./walk-file-store.ts";

/** A reader that read the old .meta may still be opening its blob: superseded blobs wait this long. */
export const SUPERSEDED_GRACE_MS = 3_600_000;
/** Temp files of writes that died (a live write renames its temp file within its own run). */
const TMP_GRACE_MS = 86_400_000;

/**
 * Removes ciphertext no .meta names any more (a re-upload, a migration that died before its .meta,
 * a lost race) once it is an hour old, and temp files older than a day. Never a blob a .meta names.
 */
export async function collectStoreGarbage(options: { now?: Date } = {}): Promise<number> {
  const now = (options.now ?? new Date()).getTime();
  const root = env().fileStoreDir;
  let removed = 0;
  const removeIfOlder = async (file: string, graceMs: number) => {
    try {
      if (now - (await stat(file)).mtimeMs < graceMs) return;
      await rm(file, { force: true });
      removed++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  };
  for await (const entry of walkFileStore(root)) {
    if (entry.blobs.length === 0) continue;
    let current: string | undefined;
    try {
      current = (await readMeta(entry.dataPath))?.encryption?.blob;
    } catch {
      continue; // an unreadable .meta: keep everything, a person has to look
    }
    for (const blob of entry.blobs)
      if (blob !== current)
        await removeIfOlder(blobPath(entry.dataPath, blob), SUPERSEDED_GRACE_MS);
  }
  const tmpDir = path.join(root, "tmp");
  let parts: string[] = [];
  try {
    parts = await readdir(tmpDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  for (const name of parts)
    if (name.endsWith(".part")) await removeIfOlder(path.join(tmpDir, name), TMP_GRACE_MS);
  return removed;
}
