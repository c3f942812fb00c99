import path from "node:path";
import { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { resolveFileTarget } from "../targets/resolve-target.ts";
import type { FileTarget } from "../targets/target.ts";
import { UserError } from "../errors/user-error.ts";
import { toJobView } from "../jobs/job-view.ts";

export type ExportDownload = { fileName: string; stream: Readable; size?: number; files: string[] };

/**
 * The files of a finished export: one batch zip (batch = N) or the whole directory as one zip
 * with the batch files at its root (Mattermost's download shape). Streams; nothing is buffered.
 */
export async function openExportDownload(options: { jobId: string; batch?: number; now?: Date }): Promise<ExportDownload> {
  const job = await db().exportJob.findUnique({ where: { id: options.jobId } });
  if (!job) throw new UserError("No such export.", 404);
  const view = toJobView(job, options.now);
  if (view.expired) throw new UserError(`This export has expired: downloads are kept for ${env().CUSTODIAN_RETENTION_DAYS} days after the export finished.`, 410);
  if (!view.downloadable) throw new UserError(`This export has no files to download (status: ${job.status}).`, 409);
  const store = await resolveFileTarget(job.targetId);
  const dir = job.exportDir;
  if (options.batch !== undefined) {
    const batch = await db().exportBatch.findUnique({ where: { jobId_number: { jobId: job.id, number: options.batch } } });
    if (!batch) throw new UserError(`This export has no batch ${options.batch}.`, 404);
    const stream = await openStored(store, `${dir}/${batch.fileName}`);
    return { fileName: batch.fileName, stream, size: Number(batch.size), files: [batch.fileName] };
  }
  const batches = await db().exportBatch.findMany({ where: { jobId: job.id }, orderBy: { number: "asc" } });
  // Every file is checked before the first byte goes out, so a refusal is a clean 410; each is
  // opened (and checked again) only when the zip reaches it, so a big export holds one descriptor.
  for (const b of batches) (await openStored(store, `${dir}/${b.fileName}`)).destroy();
  const zip = new ZipFile();
  for (const b of batches) {
    const rel = `${dir}/${b.fileName}`;
    zip.addReadStreamLazy(b.fileName, { compress: false, mtime: job.finishedAt ?? new Date(0) }, (cb) => {
      openStored(store, rel).then(
        (s) => cb(null, s),
        (e: Error) => cb(e, Readable.from([])),
      );
    });
  }
  zip.end();
  return { fileName: `${path.basename(dir)}.zip`, stream: zip.outputStream as unknown as Readable, files: batches.map((b) => b.fileName) };
}

/** A stored batch, or 410 when it is gone (deleted, or a planted symlink the target refuses to follow). */
async function openStored(store: FileTarget, path: string): Promise<Readable> {
  return store.openRead(path).catch(() => {
    throw new UserError("The batch file is missing from the export store.", 410);
  });
}
