import type { OpenAttachment } from "./model.ts";
import { openCiphertext } from "../encryption/open-ciphertext.ts";
import { openStoredFile, storePath, storeTmpDir } from "../ingest/file-store.ts";

/**
 * Opens an attachment's plaintext from Custodian's file store; rejects when its bytes never arrived,
 * and with an IntegrityError (lib/encryption/envelope.ts) when they fail authentication — before
 * any byte, so unauthenticated plaintext never reaches a batch.
 */
export const openAttachment: OpenAttachment = async (file) => {
  if (!file.storeKey) throw new Error("File missing for post");
  return openStoredFile(file.storeKey);
};

/**
 * For "decrypt" off: the attachment's stored ciphertext, authenticated first, carrying its
 * envelope for the batch's encryption.json (lib/encryption/open-ciphertext.ts).
 */
export const openAttachmentCiphertext: OpenAttachment = async (file) => {
  if (!file.storeKey) throw new Error("File missing for post");
  return openCiphertext(storePath(file.storeKey), { tmpDir: storeTmpDir() });
};
