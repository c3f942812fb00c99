import { createRequire } from "node:module";
import { crc32 } from "node:zlib";

type BufferCrc32 = { unsigned: (buf: unknown, previous?: unknown) => number };

const require = createRequire(import.meta.url);
/**
 * The CRC-32 module yazl itself loads: its CommonJS build, which yazl `require`s (the package's ESM
 * build would be a second instance). A plain name, so bundlers (Next's server build, esbuild) can
 * resolve it; both are also kept outside Next's bundle (next.config.ts).
 */
export const yazlCrc32 = require("buffer-crc32") as BufferCrc32;
const javascriptUnsigned = yazlCrc32.unsigned;

/**
 * yazl checksums every entry byte by byte in JavaScript (buffer-crc32); Node's zlib.crc32 gives the
 * same value natively, many times faster. Buffers with a numeric running value (all yazl passes)
 * take the native path; anything else the original one. An empty buffer keeps the running value
 * (Node 20's zlib.crc32 answers 0 for it, whatever the value passed in).
 */
export function useNativeZipCrc(): void {
  if (yazlCrc32.unsigned !== javascriptUnsigned) return;
  yazlCrc32.unsigned = (buf, previous) => {
    if (!Buffer.isBuffer(buf) || (previous !== undefined && typeof previous !== "number"))
      return javascriptUnsigned(buf, previous);
    return buf.length === 0 ? (previous ?? 0) >>> 0 : crc32(buf, previous ?? 0);
  };
}

export { javascriptUnsigned };
