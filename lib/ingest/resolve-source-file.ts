import { realpath, stat } from "node:fs/promises";
import path from "node:path";

export type SourceFile =
  { ok: true; path: string; size: number } | { ok: false; message: string; missing?: true };

/**
 * Finds a record's file bytes inside the files directory, never outside it: absolute paths, ".."
 * segments and symbolic links that lead out are refused.
 */
export async function resolveSourceFile(options: {
  filesDir: string;
  relativePath: string;
}): Promise<SourceFile> {
  const rel = options.relativePath;
  if (path.isAbsolute(rel) || /^[\\/]/.test(rel) || /^[A-Za-z]:/.test(rel))
    return {
      ok: false,
      message: `"${rel}" must be a path relative to the files directory, not an absolute path`,
    };
  if (rel.split(/[\\/]/).includes(".."))
    return { ok: false, message: `"${rel}" must not contain ".." segments` };
  const root = await realpath(options.filesDir);
  let real: string;
  try {
    real = await realpath(path.resolve(root, rel));
  } catch {
    return { ok: false, message: `"${rel}" does not exist in the files directory`, missing: true };
  }
  if (!real.startsWith(root + path.sep))
    return {
      ok: false,
      message: `"${rel}" leads outside the files directory (through a symbolic link)`,
    };
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, message: `"${rel}" is not a regular file` };
  return { ok: true, path: real, size: info.size };
}
