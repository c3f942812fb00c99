import type { OpenAttachment } from "./model.ts";
import { openStoredFile } from "../ingest/file-store.ts";

/** Opens an attachment from Custodian's file store; rejects when its bytes never arrived. */
export const openAttachment: OpenAttachment = async (file) => {
  if (!file.storeKey) throw new Error("File missing for post");
  const stream = openStoredFile(file.storeKey);
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", reject);
  });
  return stream;
};
