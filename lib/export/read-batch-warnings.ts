import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { LocalDirectoryTarget } from "../targets/local-directory-target.ts";
import type { FileTarget } from "../targets/target.ts";

export type BatchWarnings = {
  batch: number;
  fileName: string;
  lines: string[];
  truncated: boolean;
  missing: boolean;
};

const MAX_BYTES = 256 * 1024;

/**
 * The warning.txt of each batch zip that recorded warnings, for the job detail page: read from the
 * job's file target (at most 256 kB per batch, the rest is marked truncated). A batch whose zip is
 * gone (retention, a lost file) is reported as missing rather than failing the page.
 */
export async function readBatchWarnings(options: {
  target: FileTarget;
  exportDir: string;
  batches: Array<{ number: number; fileName: string; warnings: number }>;
}): Promise<BatchWarnings[]> {
  const out: BatchWarnings[] = [];
  for (const b of options.batches) {
    if (b.warnings === 0) continue;
    const text = await withLocalFile(options.target, `${options.exportDir}/${b.fileName}`, (file) =>
      readEntry(file, "warning.txt"),
    ).catch(() => null);
    if (text === null) {
      out.push({
        batch: b.number,
        fileName: b.fileName,
        lines: [],
        truncated: false,
        missing: true,
      });
      continue;
    }
    out.push({
      batch: b.number,
      fileName: b.fileName,
      lines: text.text.split("\n").filter((l) => l !== ""),
      truncated: text.truncated,
      missing: false,
    });
  }
  return out;
}

/** A zip needs random access: a local target's file as it is, any other target's copied to a temp file. */
async function withLocalFile<T>(
  target: FileTarget,
  rel: string,
  use: (file: string) => Promise<T>,
): Promise<T> {
  if (target instanceof LocalDirectoryTarget) return use(target.resolve(rel));
  const dir = await mkdtemp(path.join(os.tmpdir(), "custodian-warnings-"));
  try {
    const file = path.join(dir, "batch.zip");
    await pipeline(await target.openRead(rel), createWriteStream(file));
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function readEntry(
  zipFile: string,
  name: string,
): Promise<{ text: string; truncated: boolean } | null> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("cannot open zip"));
      zip.on("error", reject);
      zip.on("end", () => resolve(null));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error("cannot read entry"));
          const chunks: Buffer[] = [];
          let size = 0;
          let truncated = false;
          stream.on("data", (c: Buffer) => {
            if (size >= MAX_BYTES) {
              truncated = true;
              return;
            }
            chunks.push(c);
            size += c.length;
          });
          stream.on("error", reject);
          stream.on("end", () => {
            zip.close();
            const all = Buffer.concat(chunks);
            resolve({
              text: all.subarray(0, MAX_BYTES).toString("utf8"),
              truncated: truncated || all.length > MAX_BYTES,
            });
          });
        });
      });
      zip.readEntry();
    });
  });
}
