import type { OpenAttachment } from "./model.ts";
import { openStoredFile } from "../ingest/file-store.ts";

/**
 * Opens an attachment's plaintext from Custodian's file store; rejects when its bytes never arrived,
 * and with an IntegrityError (lib/encryption/envelope.ts) when they fail authentication — before
 * any byte, so unauthenticated plaintext never reaches a batch.
 */
export const openAttachment: OpenAttachment = async (file) => {
  if (!file.storeKey) throw new Error("File missing for post");
  return openStoredFile(file.storeKey);
};
