import { createHash } from "node:crypto";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import type { TargetUpload } from "../targets/target.ts";
import type { ZipSink } from "./model.ts";
import { useNativeZipCrc } from "./native-zip-crc.ts";

useNativeZipCrc();

/**
 * Streams a zip into a pending store file. Entries get a fixed mtime so the same batch always
 * produces the same bytes (a resumed job rewrites a lost batch identically). Each addStream resolves
 * once its source has been read to the end, so at most one attachment is open at a time.
 */
export async function writeZip<T>(options: {
  target: TargetUpload;
  mtime: Date;
  fill: (zip: ZipSink) => Promise<T>;
}): Promise<{ result: T; size: number; sha256: string }> {
  const zip = new ZipFile();
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(
    zip.outputStream as unknown as NodeJS.ReadableStream,
    meter,
    options.target.stream,
  );
  // If the target fails (a full disk), no entry will ever finish: every wait below ends with it.
  const targetFailed = new Promise<never>((_, reject) => written.catch(reject));
  targetFailed.catch(() => {});
  const entry = { mtime: options.mtime, compress: true, compressionLevel: 6 };
  let failure: unknown;
  const sink: ZipSink = {
    // Through the stream path too: addBuffer would start every entry's deflate at once.
    addText: (name, text) => sink.addStream(name, Readable.from([Buffer.from(text, "utf8")])),
    addEmail: (name, email) => sink.addStream(name, email.stream()),
    addStream: (name, source) =>
      Promise.race([
        targetFailed,
        new Promise<void>((resolve, reject) => {
          const pass = new PassThrough();
          source.once("error", (error) => {
            failure ??= error;
            pass.destroy(error as Error);
            reject(error);
          });
          pass.once("end", resolve);
          source.pipe(pass);
          zip.addReadStream(pass, name, entry);
        }),
      ]),
  };
  try {
    const result = await options.fill(sink);
    zip.end();
    await written;
    if (failure) throw failure;
    return { result, size, sha256: hash.digest("hex") };
  } catch (error) {
    (zip.outputStream as unknown as PassThrough).destroy?.();
    await options.target.abort();
    throw error;
  }
}
