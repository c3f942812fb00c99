import { env } from "../config/env.ts";
import { readMeta } from "./stored-file.ts";
import { walkFileStore } from "./walk-file-store.ts";

export type StoreSummary = {
  /** Stored files (ids with bytes). */
  files: number;
  /** Of those, still in plaintext (the migration has not reached them). */
  plaintext: number;
  /** Encrypted files by the attachment key that wraps their data key. */
  byKey: Record<string, number>;
};

/** What the store holds, by form and key (reads every .meta; `keys list --files`, tests). */
export async function summarizeFileStore(): Promise<StoreSummary> {
  const summary: StoreSummary = { files: 0, plaintext: 0, byKey: {} };
  for await (const entry of walkFileStore(env().fileStoreDir)) {
    const meta = entry.hasMeta ? await readMeta(entry.dataPath) : null;
    if (meta?.encryption) {
      summary.files++;
      summary.byKey[meta.encryption.keyId] = (summary.byKey[meta.encryption.keyId] ?? 0) + 1;
    } else if (entry.hasPlaintext) {
      summary.files++;
      summary.plaintext++;
    }
  }
  return summary;
}
