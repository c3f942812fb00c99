import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { UserError } from "../errors/user-error.ts";
import {
  fileDecryptor,
  isAuthenticationFailure,
  unb64,
  unwrapDataKey,
  WrongKeyError,
} from "./envelope.ts";
import {
  ENCRYPTION_FILE,
  ZEncryptionManifest,
  type EncryptedEntry,
} from "./encryption-manifest.ts";
import { readKeyFile } from "./key-file.ts";

const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/**
 * `decrypt-export <zip> --key-file F`: extracts a batch zip written with "decrypt" off into a
 * directory, each attachment listed in its encryption.json decrypted (and checked against its
 * tag, plaintext SHA-256 and size), every other entry as it is — the batch as it would have been
 * with "decrypt" on, without encryption.json. Needs nothing but the zip and the key file(s): no
 * database, no Custodian installation. Streams every entry; writes into a hidden sibling directory
 * renamed into place at the end, so a failure (wrong key, a changed entry) leaves nothing behind.
 */
export async function decryptExportZip(options: {
  zip: string;
  keyFiles: string[];
  out?: string;
}): Promise<{ out: string; entries: number; decrypted: number; keyIds: string[] }> {
  const keys = new Map<string, Buffer>();
  for (const file of options.keyFiles) {
    const key = await readKeyFile(file);
    keys.set(key.id, key.bytes);
  }
  const zipPath = path.resolve(options.zip);
  const out = path.resolve(options.out ?? zipPath.replace(/\.zip$/i, "") + "-decrypted");
  if (out === zipPath) throw new UserError("--out must not be the zip itself.");
  if (
    await stat(out).then(
      () => true,
      () => false,
    )
  )
    throw new UserError(`${out} exists: give another --out directory.`);
  const zip = await openZip(zipPath);
  const partial = path.join(
    path.dirname(out),
    `.${path.basename(out)}.partial-${randomBytes(6).toString("hex")}`,
  );
  try {
    const entries = await readEntries(zip);
    const manifestEntry = entries.find((e) => e.fileName === ENCRYPTION_FILE);
    if (!manifestEntry)
      throw new UserError(
        `${options.zip} has no ${ENCRYPTION_FILE}: its attachments were exported in plaintext.`,
      );
    const encrypted = await readManifest(zip, manifestEntry);
    const names = new Set(entries.map((e) => e.fileName));
    const absent = [...encrypted.keys()].find((p) => !names.has(p));
    if (absent) throw new UserError(`${ENCRYPTION_FILE} lists ${absent}, which is not in the zip.`);
    const needed = [...new Set([...encrypted.values()].map((e) => e.key_id))].sort();
    const lacking = needed.filter((id) => !keys.has(id));
    if (lacking.length)
      throw new UserError(
        `This batch needs the attachment key${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")}: give ${lacking.length > 1 ? "their key files" : "its key file"} with --key-file (npm run cli -- keys export --id ${lacking[0]}).`,
      );

    await mkdir(partial, { mode: 0o700 });
    let decrypted = 0;
    for (const entry of entries) {
      if (entry === manifestEntry) continue;
      const target = safeTarget(partial, entry.fileName);
      if (entry.fileName.endsWith("/")) {
        await mkdir(target, { recursive: true, mode: 0o700 });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const source = await openEntry(zip, entry);
      const file = createWriteStream(target, { flags: "wx", mode: 0o600 });
      const how = encrypted.get(entry.fileName);
      if (!how) {
        await pipeline(source, file);
        continue;
      }
      await decryptEntry({ entry: how, source, file, key: keys.get(how.key_id)! });
      decrypted++;
    }
    await rename(partial, out);
    return { out, entries: entries.length - 1, decrypted, keyIds: needed };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    zip.close();
  }
}

async function decryptEntry(options: {
  entry: EncryptedEntry;
  source: Readable;
  file: NodeJS.WritableStream;
  key: Buffer;
}): Promise<void> {
  const { entry } = options;
  let dataKey: Buffer;
  try {
    dataKey = unwrapDataKey(options.key, unb64(entry.wrapped_key));
  } catch (error) {
    if (error instanceof WrongKeyError)
      throw new UserError(
        `${entry.path}: the key file for ${entry.key_id} does not unwrap its data key — it is not the key this batch was encrypted with.`,
      );
    throw error;
  }
  const hash = createHash("sha256");
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      options.source,
      fileDecryptor(dataKey, unb64(entry.nonce), unb64(entry.tag)),
      measure,
      options.file,
    );
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    throw new UserError(
      `${entry.path}: failed authentication (AES-GCM tag): the entry or its line in ${ENCRYPTION_FILE} was changed after export.`,
    );
  }
  if (hash.digest("hex") !== entry.plaintext_sha256 || size !== entry.plaintext_size)
    throw new UserError(
      `${entry.path}: decrypts to other bytes than its plaintext_sha256 and plaintext_size say.`,
    );
}

/** Where an entry goes: inside the output directory, whatever its name says (zip slip). */
function safeTarget(root: string, name: string): string {
  const bad =
    name.includes("\\") ||
    name.includes("\u0000") ||
    name.startsWith("/") ||
    name.split("/").some((s) => s === "..");
  const target = path.resolve(root, name);
  if (bad || !(target === root || target.startsWith(root + path.sep)))
    throw new UserError(
      `The zip holds an entry named ${JSON.stringify(name)}, which would be written outside the output directory.`,
    );
  return target;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error || !zip)
        reject(
          new UserError(`${file}: not a readable zip (${error?.message ?? "unknown error"}).`),
        );
      else resolve(zip);
    }),
  );
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on("entry", (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries));
    zip.once("error", (error: Error) =>
      reject(new UserError(`The zip is damaged: ${error.message}`)),
    );
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream)
        reject(
          new UserError(
            `${entry.fileName}: cannot be read from the zip (${error?.message ?? "unknown error"}).`,
          ),
        );
      else resolve(stream);
    }),
  );
}

async function readManifest(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
): Promise<Map<string, EncryptedEntry>> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES)
    throw new UserError(`${ENCRYPTION_FILE} is too large to be one.`);
  const chunks: Buffer[] = [];
  for await (const chunk of await openEntry(zip, entry)) chunks.push(chunk as Buffer);
  let parsed;
  try {
    parsed = ZEncryptionManifest.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch (error) {
    throw new UserError(
      `${ENCRYPTION_FILE} is not valid: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`,
    );
  }
  return new Map(parsed.files.map((f) => [f.path, f]));
}
