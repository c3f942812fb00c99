import { env } from "../config/env.ts";
import { LocalExportStore } from "./local-export-store.ts";

let store: LocalExportStore | undefined;

/** The configured export store (a local directory; an S3 store can implement the same methods). */
export function exportStore(): LocalExportStore {
  const root = env().exportDir;
  if (!store || store.root !== root) store = new LocalExportStore(root);
  return store;
}

export type ExportStore = LocalExportStore;
