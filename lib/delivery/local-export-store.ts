import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable, Writable } from "node:stream";

export type PendingFile = {
  stream: Writable;
  /** Moves the finished file to its final name: only then is it visible as part of an export. */
  commit: () => Promise<void>;
  abort: () => Promise<void>;
};

export type StoredFile = { name: string; size: number };

/**
 * The export store on a local directory. Paths are relative, checked to stay inside the root
 * (no "..", no absolute paths, no NUL). Unfinished files carry a hidden ".partial" name.
 */
export class LocalExportStore {
  constructor(readonly root: string) {}

  resolve(relative: string): string {
    if (relative.includes("\0") || path.isAbsolute(relative) || relative.split(/[\\/]/).includes("..")) {
      throw new Error(`Refusing a path outside the export store: ${JSON.stringify(relative)}`);
    }
    const full = path.resolve(this.root, relative);
    if (full !== this.root && !full.startsWith(this.root + path.sep)) throw new Error(`Refusing a path outside the export store: ${JSON.stringify(relative)}`);
    return full;
  }

  async createPending(relative: string): Promise<PendingFile> {
    const final = this.resolve(relative);
    await mkdir(path.dirname(final), { recursive: true });
    const temp = path.join(path.dirname(final), `.${path.basename(final)}.${randomBytes(4).toString("hex")}.partial`);
    const stream = createWriteStream(temp, { flags: "wx", mode: 0o640 });
    return {
      stream,
      commit: () => rename(temp, final),
      abort: async () => {
        stream.destroy();
        await rm(temp, { force: true });
      },
    };
  }

  async exists(relative: string): Promise<boolean> {
    return stat(this.resolve(relative)).then((s) => s.isFile(), () => false);
  }

  openRead(relative: string): Readable {
    return createReadStream(this.resolve(relative));
  }

  /** Finished files of a directory, by name; partial files are not listed. */
  async list(dir: string): Promise<StoredFile[]> {
    const full = this.resolve(dir);
    const names = await readdir(full).catch(() => [] as string[]);
    const files: StoredFile[] = [];
    for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
      const s = await stat(path.join(full, name));
      if (s.isFile()) files.push({ name, size: s.size });
    }
    return files;
  }

  async removePartials(dir: string): Promise<void> {
    const full = this.resolve(dir);
    const names = await readdir(full).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.endsWith(".partial")).map((n) => rm(path.join(full, n), { force: true })));
  }

  async removeDir(dir: string): Promise<void> {
    await rm(this.resolve(dir), { recursive: true, force: true });
  }

  async sha256(relative: string): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of this.openRead(relative)) hash.update(chunk as Buffer);
    return hash.digest("hex");
  }
}
