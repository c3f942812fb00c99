import { env } from "../config/env.ts";
import { UserError } from "../errors/user-error.ts";
import { loadExportSettings } from "../settings/export-settings-store.ts";
import { GLOBAL_RELAY_TARGET_ID, LOCAL_TARGET_ID } from "./default-target.ts";
import { LocalDirectoryTarget } from "./local-directory-target.ts";
import type { RetryPolicy, SmtpClientOptions } from "./smtp/deliver-global-relay-batch.ts";
import { SmtpMailboxTarget } from "./smtp/smtp-mailbox-target.ts";
import type { ExportTarget, FileTarget } from "./target.ts";


export type ResolveOptions = {
  /** Test hooks for archive mailboxes: retry pacing and a private CA. */
  smtp?: SmtpClientOptions & { retry?: RetryPolicy };
};

const cache = new Map<string, LocalDirectoryTarget>();

/** The local export directory (CUSTODIAN_EXPORT_DIR). */
export function localExportTarget(): LocalDirectoryTarget {
  const root = env().exportDir;
  let target = cache.get(root);
  if (!target) {
    target = new LocalDirectoryTarget(LOCAL_TARGET_ID, root, `Local exports (${root})`);
    cache.set(root, target);
  }
  return target;
}

/**
 * The target a job writes to, by id. Its configuration — destination and credentials — is read
 * here, when a worker starts (or resumes) the job; the job's plan holds only the id.
 */
export async function resolveTarget(id: string, options: ResolveOptions = {}): Promise<ExportTarget> {
  if (id === "" || id === LOCAL_TARGET_ID) return localExportTarget();
  if (id === GLOBAL_RELAY_TARGET_ID) {
    const gr = (await loadExportSettings()).GlobalRelaySettings;
    return new SmtpMailboxTarget(GLOBAL_RELAY_TARGET_ID, `Global Relay ${gr.CustomerType} (${gr.EmailAddress})`, gr, options.smtp);
  }
  throw new UserError(`No export target "${id}".`, 404);
}

/** A file target by id; refuses an archive mailbox (it holds no files to download or verify). */
export async function resolveFileTarget(id: string): Promise<FileTarget> {
  const target = await resolveTarget(id);
  if (target.family !== "files") throw new UserError("This export was delivered by email; it has no files.", 409);
  return target;
}

/**
 * Where a job's evidence (manifest, reconciliation) is kept: beside its batches on a file target;
 * in the local export directory for an archive mailbox, which keeps no files.
 */
export async function resolveEvidenceTarget(id: string): Promise<FileTarget> {
  const target = await resolveTarget(id);
  return target.family === "files" ? target : localExportTarget();
}
