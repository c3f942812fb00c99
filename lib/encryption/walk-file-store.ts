import { readdir } from "node:fs/promises";
import path from "node:path";

/** One file id's place in the store, and what is on disk for it (stored-file.ts has the layout). */
export type StoreEntry = {
  /** The path the store key names (its plaintext, before encryption). */
  dataPath: string;
  hasPlaintext: boolean;
  hasMeta: boolean;
  /** Blob names (16 hex digits) of every ciphertext on disk, current or superseded. */
  blobs: string[];
};

const SHARD = /^[0-9a-f]{2}$/;
const BASE = /^(?:[a-z0-9_-]{1,64}|x\.[0-9a-f]{64})$/;
const BLOB_FILE = /^(.+)\.([0-9a-f]{16})\.enc$/;

/**
 * Every stored file, shard by shard in name order, so a pass that was stopped and started again
 * covers the same files in the same order. Names that are not the store's (the tmp directory,
 * anything else) are left alone.
 */
export async function* walkFileStore(root: string): AsyncGenerator<StoreEntry> {
  let shards: string[];
  try {
    shards = (await readdir(root, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && SHARD.test(d.name))
      .map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const shard of shards.sort()) {
    const dir = path.join(root, shard);
    const entries = new Map<string, StoreEntry>();
    const entryOf = (base: string) => {
      let e = entries.get(base);
      if (!e)
        entries.set(
          base,
          (e = { dataPath: path.join(dir, base), hasPlaintext: false, hasMeta: false, blobs: [] }),
        );
      return e;
    };
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (!d.isFile()) continue;
      const blob = BLOB_FILE.exec(d.name);
      if (blob && BASE.test(blob[1]!)) entryOf(blob[1]!).blobs.push(blob[2]!);
      else if (d.name.endsWith(".meta") && BASE.test(d.name.slice(0, -5)))
        entryOf(d.name.slice(0, -5)).hasMeta = true;
      else if (BASE.test(d.name)) entryOf(d.name).hasPlaintext = true;
    }
    for (const base of [...entries.keys()].sort()) yield entries.get(base)!;
  }
}
