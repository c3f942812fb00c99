import { env } from "../config/env.ts";
import { UserError } from "../errors/user-error.ts";
import { LOCAL_TARGET_ID } from "./default-target.ts";
import { LocalDirectoryTarget } from "./local-directory-target.ts";
import { describeDestination } from "./schema.ts";
import { createS3Client } from "./s3/s3-client.ts";
import { S3Target } from "./s3/s3-target.ts";
import type { RetryPolicy, SmtpClientOptions } from "./smtp/deliver-global-relay-batch.ts";
import { SmtpMailboxTarget } from "./smtp/smtp-mailbox-target.ts";
import { findTarget, type StoredTarget } from "./stored-target.ts";
import type { ExportTarget, FileTarget } from "./target.ts";

export type ResolveOptions = {
  /** Test hooks for archive mailboxes: retry pacing and a private CA. */
  smtp?: SmtpClientOptions & { retry?: RetryPolicy };
  /** For writing a job's batches: a disabled target is refused. */
  forWriting?: boolean;
};

const cache = new Map<string, LocalDirectoryTarget>();

function localDirectory(id: string, root: string, label: string): LocalDirectoryTarget {
  const key = `${id}\0${root}`;
  let target = cache.get(key);
  if (!target) {
    target = new LocalDirectoryTarget(id, root, label);
    cache.set(key, target);
  }
  return target;
}

/** The local export directory (CUSTODIAN_EXPORT_DIR): the built-in target "Local exports". */
export function localExportTarget(): LocalDirectoryTarget {
  const root = env().exportDir;
  return localDirectory(LOCAL_TARGET_ID, root, `Local exports (${root})`);
}

/** The ExportTarget of a stored target (its secret already opened). */
export function instantiateTarget(
  stored: StoredTarget,
  options: ResolveOptions = {},
): ExportTarget {
  const label = `${stored.name} (${describeDestination(stored.kind, stored.config, env().exportDir)})`;
  switch (stored.kind) {
    case "local":
      return stored.config.path === ""
        ? stored.id === LOCAL_TARGET_ID
          ? localExportTarget()
          : localDirectory(stored.id, env().exportDir, label)
        : localDirectory(stored.id, stored.config.path, label);
    case "s3":
      return new S3Target(
        stored.id,
        label,
        stored.config,
        createS3Client(stored.config, stored.secret),
      );
    case "smtp":
      return new SmtpMailboxTarget(
        stored.id,
        label,
        { ...stored.config, SMTPPassword: stored.secret },
        options.smtp,
      );
  }
}

/**
 * The target a job writes to, by id. Its configuration — destination and credentials — is read
 * here, when a worker starts (or resumes) the job; the job's plan holds only the id.
 */
export async function resolveTarget(
  id: string,
  options: ResolveOptions = {},
): Promise<ExportTarget> {
  if (id === "") return localExportTarget();
  const stored = await findTarget({ idOrName: id });
  if (!stored || stored.id !== id) {
    // Before the targets table, "local" was the export directory itself.
    if (id === LOCAL_TARGET_ID) return localExportTarget();
    throw new UserError(`No export target "${id}".`, 404);
  }
  if (options.forWriting && stored.disabled)
    throw new UserError(
      `The target "${stored.name}" is disabled: enable it on the Targets page, or retry the export with another destination.`,
      409,
    );
  return instantiateTarget(stored, options);
}

/** A file target by id; refuses an archive mailbox (it holds no files to download or verify). */
export async function resolveFileTarget(id: string): Promise<FileTarget> {
  const target = await resolveTarget(id);
  if (target.family !== "files")
    throw new UserError("This export was delivered by email; it has no files.", 409);
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
