import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { exportStore } from "../delivery/export-store.ts";
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
  const store = exportStore();
  const dir = job.exportDir;
  if (options.batch !== undefined) {
    const batch = await db().exportBatch.findUnique({ where: { jobId_number: { jobId: job.id, number: options.batch } } });
    if (!batch) throw new UserError(`This export has no batch ${options.batch}.`, 404);
    const stream = await openInsideStore(store.root, store.resolve(`${dir}/${batch.fileName}`));
    return { fileName: batch.fileName, stream, size: Number(batch.size), files: [batch.fileName] };
  }
  const batches = await db().exportBatch.findMany({ where: { jobId: job.id }, orderBy: { number: "asc" } });
  // Every file is checked before the first byte goes out, so a refusal is a clean 410; each is
  // opened (and checked again) only when the zip reaches it, so a big export holds one descriptor.
  for (const b of batches) await (await openInsideStore(store.root, store.resolve(`${dir}/${b.fileName}`))).destroy();
  const zip = new ZipFile();
  for (const b of batches) {
    const full = store.resolve(`${dir}/${b.fileName}`);
    zip.addReadStreamLazy(b.fileName, { compress: false, mtime: job.finishedAt ?? new Date(0) }, (cb) => {
      openInsideStore(store.root, full).then(
        (s) => cb(null, s),
        (e: Error) => cb(e, Readable.from([])),
      );
    });
  }
  zip.end();
  return { fileName: `${path.basename(dir)}.zip`, stream: zip.outputStream as unknown as Readable, files: batches.map((b) => b.fileName) };
}

/**
 * Opens a file of the export store for reading, refusing anything that is not a regular file
 * really inside the store: a symlinked directory on the way (real path check) or a symlink as the
 * file itself (O_NOFOLLOW) would otherwise serve any file this account can read.
 */
async function openInsideStore(root: string, full: string): Promise<Readable> {
  const missing = () => new UserError("The batch file is missing from the export store.", 410);
  const realRoot = await realpath(root).catch(() => null);
  const realDir = await realpath(path.dirname(full)).catch(() => null);
  if (!realRoot || !realDir || (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep))) throw missing();
  const handle = await open(path.join(realDir, path.basename(full)), constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) throw missing();
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw missing();
  }
  return handle.createReadStream();
}
