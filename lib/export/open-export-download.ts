import path from "node:path";
import { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { resolveEvidenceTarget, resolveFileTarget } from "../targets/resolve-target.ts";
import { loadTargetDirectory, retentionFor } from "../targets/target-directory.ts";
import type { FileTarget } from "../targets/target.ts";
import { UserError } from "../errors/user-error.ts";
import { toJobView } from "../jobs/job-view.ts";

export type ExportDownload = {
  fileName: string;
  files: string[];
  stream: Readable;
  /** Known ahead: a batch's size, or the whole zip's (no compression, every entry's size known). */
  size?: number;
};

/** A presigned download URL lives no longer than a signed link, and at most 10 minutes when it only carries a redirect. */
const REDIRECT_TTL_SECONDS = 600;

/**
 * The files of a finished export: one batch (batch = N) or the whole export as one zip whose
 * entries sit under the export's directory name — the batches, then manifest.json and the other
 * evidence beside them (reconciliation), so the receiver can run `verify` — stored uncompressed, so
 * its size is known before the first byte (Content-Length). Streams; nothing is buffered.
 */
export async function openExportDownload(options: {
  jobId: string;
  batch?: number;
  now?: Date;
}): Promise<ExportDownload> {
  const { job, store } = await downloadableJob(options);
  const dir = job.exportDir;
  if (options.batch !== undefined) {
    const batch = await db().exportBatch.findUnique({
      where: { jobId_number: { jobId: job.id, number: options.batch } },
    });
    if (!batch) throw new UserError(`This export has no batch ${options.batch}.`, 404);
    const stream = await openStored(store, `${dir}/${batch.fileName}`);
    return { fileName: batch.fileName, stream, size: Number(batch.size), files: [batch.fileName] };
  }
  const batches = await db().exportBatch.findMany({
    where: { jobId: job.id },
    orderBy: { number: "asc" },
  });
  const batchNames = new Set(batches.map((b) => b.fileName));
  // The evidence (manifest, reconciliation) is whatever else the directory holds beside the batches.
  const evidenceStore = await resolveEvidenceTarget(job.targetId);
  const listed = await evidenceStore.list(dir);
  const evidence = listed.filter(
    (f) => !batchNames.has(f.name) && !/^batch\d{3,}-.*\.zip$/.test(f.name),
  );
  // Sizes as stored (what the zip will carry), not as recorded: a changed file is `verify`'s to report.
  const storedSize = new Map(listed.map((f) => [f.name, f.size]));
  const entries = [
    ...batches.map((b) => ({
      name: b.fileName,
      size: storedSize.get(b.fileName) ?? Number(b.size),
      store,
    })),
    ...evidence.map((f) => ({ name: f.name, size: f.size, store: evidenceStore })),
  ];
  // Every file is checked before the first byte goes out, so a refusal is a clean 410; each is
  // opened (and checked again) only when the zip reaches it, so a big export holds one descriptor.
  for (const b of batches) (await openStored(store, `${dir}/${b.fileName}`)).destroy();
  const top = path.posix.basename(dir);
  const zip = new ZipFile();
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    zip.addReadStreamLazy(
      `${top}/${e.name}`,
      { compress: false, size: e.size, mtime: job.finishedAt ?? new Date(0) },
      (cb) => {
        openStored(e.store, rel).then(
          (s) => cb(null, s),
          (err: Error) => cb(err, Readable.from([])),
        );
      },
    );
  }
  // yazl computes the final size when every entry is stored with a known size (its types omit the argument).
  const size = await new Promise<number>((resolve) =>
    (zip.end as (o: object, cb: (total: number) => void) => void)({}, (total) => resolve(total)),
  );
  return {
    fileName: `${top}.zip`,
    stream: zip.outputStream as unknown as Readable,
    files: entries.map((e) => e.name),
    ...(size >= 0 ? { size } : {}),
  };
}

/**
 * A batch on a target that presigns (S3): a GET URL straight to the bucket, valid `ttlSeconds` (the
 * signed link's TTL it replaces), or for a redirect at most 10 minutes and never longer than
 * CUSTODIAN_LINK_TTL_MINUTES; null on other targets.
 */
export async function presignExportBatch(options: {
  jobId: string;
  batch: number;
  ttlSeconds?: number;
  now?: Date;
}): Promise<{ url: string; fileName: string; expiresAt: Date } | null> {
  const { job, store } = await downloadableJob(options);
  if (!store.presign) return null;
  const batch = await db().exportBatch.findUnique({
    where: { jobId_number: { jobId: job.id, number: options.batch } },
  });
  if (!batch) throw new UserError(`This export has no batch ${options.batch}.`, 404);
  const path = `${job.exportDir}/${batch.fileName}`;
  if (!(await store.exists(path)))
    throw new UserError("The batch file is missing from the export store.", 410);
  const ttl = Math.max(
    1,
    options.ttlSeconds ?? Math.min(REDIRECT_TTL_SECONDS, env().CUSTODIAN_LINK_TTL_MINUTES * 60),
  );
  const url = await store.presign(path, { ttlSeconds: ttl, fileName: batch.fileName });
  return {
    url,
    fileName: batch.fileName,
    expiresAt: new Date((options.now ?? new Date()).getTime() + ttl * 1000),
  };
}

async function downloadableJob(options: { jobId: string; now?: Date }) {
  const job = await db().exportJob.findUnique({ where: { id: options.jobId } });
  if (!job) throw new UserError("No such export.", 404);
  const directory = await loadTargetDirectory();
  const view = toJobView(job, options.now, directory);
  if (view.expired)
    throw new UserError(
      `This export has expired: downloads are kept for ${retentionFor(job.targetId, directory) ?? "?"} days after the export finished.`,
      410,
    );
  if (!view.downloadable)
    throw new UserError(`This export has no files to download (status: ${job.status}).`, 409);
  return { job, store: await resolveFileTarget(job.targetId) };
}

/** A stored file, or 410 when it is gone (deleted, or a planted symlink the target refuses to follow). */
async function openStored(store: FileTarget, path: string): Promise<Readable> {
  return store.openRead(path).catch(() => {
    throw new UserError("The batch file is missing from the export store.", 410);
  });
}
