import { randomBytes } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import { mkdir, open, readdir, realpath, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { FileTarget, StoredObject, TargetUpload } from "./target.ts";

/**
 * Exports in a local directory. Paths are relative, checked to stay inside the root (no "..", no
 * absolute paths, no NUL). An unfinished file carries a hidden ".partial" name until commit renames it.
 */
export class LocalDirectoryTarget implements FileTarget {
  readonly family = "files" as const;
  readonly kind = "local" as const;

  constructor(
    readonly id: string,
    readonly root: string,
    readonly label = `Local directory (${root})`,
  ) {}

  /** The absolute path of a stored file (the CLI prints it; tests read it). */
  resolve(relative: string): string {
    if (
      relative.includes("\0") ||
      path.isAbsolute(relative) ||
      relative.split(/[\\/]/).includes("..")
    ) {
      throw new Error(`Refusing a path outside the export directory: ${JSON.stringify(relative)}`);
    }
    const full = path.resolve(this.root, relative);
    if (full !== this.root && !full.startsWith(this.root + path.sep))
      throw new Error(`Refusing a path outside the export directory: ${JSON.stringify(relative)}`);
    return full;
  }

  async openWrite(relative: string): Promise<TargetUpload> {
    const final = this.resolve(relative);
    await mkdir(path.dirname(final), { recursive: true });
    const temp = path.join(
      path.dirname(final),
      `.${path.basename(final)}.${randomBytes(4).toString("hex")}.partial`,
    );
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

  /**
   * Opens a stored file for reading. A symlink planted in the directory is never followed out of
   * it: the real directory must lie inside the real root and the file is opened with O_NOFOLLOW.
   */
  async openRead(relative: string): Promise<Readable> {
    const full = this.resolve(relative);
    const missing = () =>
      Object.assign(new Error(`No stored file ${relative}`), { code: "ENOENT" });
    const realRoot = await realpath(this.root).catch(() => null);
    const realDir = await realpath(path.dirname(full)).catch(() => null);
    if (!realRoot || !realDir || (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep)))
      throw missing();
    const handle = await open(
      path.join(realDir, path.basename(full)),
      constants.O_RDONLY | constants.O_NOFOLLOW,
    ).catch(() => null);
    if (!handle) throw missing();
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw missing();
    }
    return handle.createReadStream();
  }

  async exists(relative: string): Promise<boolean> {
    return stat(this.resolve(relative)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async hasDir(dir: string): Promise<boolean> {
    return stat(this.resolve(dir)).then(
      (s) => s.isDirectory(),
      () => false,
    );
  }

  async list(dir: string): Promise<StoredObject[]> {
    const full = this.resolve(dir);
    const names = await readdir(full).catch(() => [] as string[]);
    const files: StoredObject[] = [];
    for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
      const s = await stat(path.join(full, name));
      if (s.isFile()) files.push({ name, size: s.size });
    }
    return files;
  }

  async removePartials(dir: string): Promise<void> {
    const full = this.resolve(dir);
    const names = await readdir(full).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.endsWith(".partial"))
        .map((n) => rm(path.join(full, n), { force: true })),
    );
  }

  async removeDir(dir: string): Promise<void> {
    await rm(this.resolve(dir), { recursive: true, force: true });
  }
}
