// Where an export goes (documenso's StorageProvider shape): a value a job is given, resolved per job
// by target id (resolve-target.ts), never a process-wide setting. Two families:
// - file targets (a local directory, an S3-compatible bucket) hold batch zips and the files beside
//   them (manifest, reconciliation, warnings) under `<export dir>/<name>`;
// - archive mailboxes (Global Relay, Proofpoint, any archive address over SMTP) take each `.eml`
//   entry of a batch as one email, recorded in the delivery ledger so none is sent twice.
import { createHash } from "node:crypto";
import type { Readable, Writable } from "node:stream";

/** A file being written: visible under its final name only after `commit`; `abort` leaves nothing. */
export type TargetUpload = {
  stream: Writable;
  commit: () => Promise<void>;
  abort: () => Promise<void>;
};

export type StoredObject = { name: string; size: number };

export type TargetKind = "local" | "s3" | "smtp";

export interface FileTarget {
  readonly family: "files";
  readonly kind: "local" | "s3";
  readonly id: string;
  /** For people: "Local exports (/srv/exports)", "s3://bucket/prefix". Never holds a secret. */
  readonly label: string;
  openWrite(path: string): Promise<TargetUpload>;
  /** Rejects (ENOENT-like, `code: "ENOENT"`) when the file is not there. */
  openRead(path: string): Promise<Readable>;
  exists(path: string): Promise<boolean>;
  /** Finished files directly under `dir`, by name; unfinished uploads are not listed. */
  list(dir: string): Promise<StoredObject[]>;
  /** Whether anything is stored under `dir`. */
  hasDir(dir: string): Promise<boolean>;
  /** Removes what unfinished uploads left under `dir` (temporary files, multipart uploads). */
  removePartials(dir: string): Promise<void>;
  removeDir(dir: string): Promise<void>;
  /** A direct download URL valid for `ttlSeconds`, where the kind supports it (S3); else undefined. */
  presign?(path: string, options: { ttlSeconds: number; fileName: string }): Promise<string>;
  /** Puts or lifts a storage-level legal hold on everything under `dir` (S3 Object Lock); returns how many objects. */
  setLegalHold?(dir: string, on: boolean): Promise<number>;
}

/** One email of a batch, as the EML writer hands it over. */
export type MailboxEmail = {
  /** The ledger key: stable for the same content, whatever job renders it. */
  messageId: string;
  channelId: string;
  part: number;
  /** MAIL FROM (the email's From header); "" sends the null sender. */
  from: string;
  /** Posts (database rows) the email carries, counted as delivered when the archive accepts it. */
  posts: number;
  /** Their ids (listed when the archive refuses the email). */
  postIds?: string[];
  /** A fresh stream of the email, byte-identical on every call (a retry resends the same bytes). */
  stream(): Readable;
  /** Filled in while a stream is read (missing attachments). */
  warnings: string[];
};

/** An email the archive refused with a permanent reply: not delivered, listed on the job, retried on request. */
export type RefusedEmail = {
  messageId: string;
  channelId: string;
  posts: number;
  postIds: string[];
  reply: string;
};

export type MailboxBatchResult = {
  sent: number;
  /** Accepted by an earlier run (ledger), not sent again. */
  skipped: number;
  /** Refused with a permanent reply; listed in `refused`. */
  failed: number;
  /** Sent again after a lost reply or an interrupted delivery: the archive may hold them twice. */
  ambiguous: number;
  /** Posts carried by accepted emails (this run and earlier ones). */
  deliveredPosts: number;
  refused: RefusedEmail[];
  warnings: string[];
};

/** The emails of one batch: `send` each, then `finish` (or `abort` on failure). */
export interface MailboxBatch {
  send(email: MailboxEmail): Promise<void>;
  finish(): Promise<MailboxBatchResult>;
  abort(): Promise<void>;
}

export interface MailboxTarget {
  readonly family: "mailbox";
  readonly kind: "smtp";
  readonly id: string;
  readonly label: string;
  openBatch(options: { jobId: string; batchNumber: number }): Promise<MailboxBatch>;
}

export type ExportTarget = FileTarget | MailboxTarget;

/** A small stored file's bytes (manifest, reconciliation), or null when it is not there. */
export async function readTargetBytes(target: FileTarget, path: string): Promise<Buffer | null> {
  if (!(await target.exists(path))) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of await target.openRead(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readTargetText(target: FileTarget, path: string): Promise<string | null> {
  return (await readTargetBytes(target, path))?.toString("utf8") ?? null;
}

/** Write a small file (manifest, reconciliation, warnings) so it appears whole or not at all. */
export async function writeTargetText(
  target: FileTarget,
  path: string,
  text: string,
): Promise<void> {
  const upload = await target.openWrite(path);
  try {
    await new Promise<void>((resolve, reject) => {
      upload.stream.once("error", reject);
      upload.stream.end(Buffer.from(text, "utf8"), () => resolve());
    });
    await upload.commit();
  } catch (error) {
    await upload.abort();
    throw error;
  }
}

/** SHA-256 (hex) of a stored file, streamed. */
export async function sha256OfStored(target: FileTarget, path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await target.openRead(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
