// Test helper: makes the export store's pending files fail like a full disk (RELIABILITY.md check 18).
import { createWriteStream } from "node:fs";
import { Writable } from "node:stream";
import { localExportTarget } from "../targets/resolve-target.ts";
import type { TargetUpload } from "../targets/target.ts";

/** An ENOSPC error shaped like the one fs raises. */
export function enospcError(path = "export"): NodeJS.ErrnoException {
  const error = new Error(
    `ENOSPC: no space left on device, write '${path}'`,
  ) as NodeJS.ErrnoException;
  error.code = "ENOSPC";
  error.errno = -28;
  error.syscall = "write";
  return error;
}

export type DiskFullMode =
  /** The real kernel error: the pending stream writes to /dev/full. */
  | { kind: "dev-full" }
  /** The real temp file for the first N bytes, then ENOSPC. */
  | { kind: "after-bytes"; bytes: number };

/**
 * Replaces `localExportTarget().openWrite` so that pending files from batch number `fromBatch` on
 * (1-based count of openWrite calls) fail as on a full disk. The temporary file is still made
 * by the real store (so a leftover `.partial` would be visible); the returned function restores it.
 */
export function makeExportStoreFull(
  mode: DiskFullMode,
  options: { fromCall?: number } = {},
): { restore: () => void; calls: () => number } {
  const store = localExportTarget();
  const original = store.openWrite;
  const fromCall = options.fromCall ?? 1;
  let calls = 0;
  store.openWrite = async function (relative: string): Promise<TargetUpload> {
    calls++;
    const real = await original.call(store, relative);
    if (calls < fromCall) return real;
    let stream: Writable;
    if (mode.kind === "dev-full") {
      // Keep the real temp file around (empty) so the test sees whether abort removes it.
      stream = createWriteStream("/dev/full", { flags: "w" });
    } else {
      let written = 0;
      const inner = real.stream;
      // Writes still queued when abort destroys the temp file's stream fail there: not the test's subject.
      inner.on("error", () => {});
      stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          if (written + chunk.length > mode.bytes) {
            const room = mode.bytes - written;
            written = mode.bytes;
            if (room > 0) inner.write(chunk.subarray(0, room));
            done(enospcError(relative));
            return;
          }
          written += chunk.length;
          if (inner.write(chunk)) done();
          else inner.once("drain", () => done());
        },
        final(done) {
          inner.end(done);
        },
      });
    }
    return {
      stream,
      commit: real.commit,
      abort: async () => {
        stream.destroy();
        await real.abort();
      },
    };
  };
  return {
    restore: () => {
      store.openWrite = original;
    },
    calls: () => calls,
  };
}
