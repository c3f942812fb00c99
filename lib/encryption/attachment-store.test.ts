import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { after, before, test } from "node:test";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import {
  openStoredFile,
  storeKeyForFile,
  storePath,
  writeFileBytes,
} from "../ingest/file-store.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { collectStoreGarbage } from "./collect-store-garbage.ts";
import { encryptFileStore } from "./encrypt-file-store.ts";
import { SimulatedCrash } from "./encrypt-stored-file.ts";
import { IntegrityError } from "./envelope.ts";
import { listAttachmentKeys } from "./key-ring.ts";
import { rotateAttachmentKey } from "./rotate-attachment-key.ts";
import { blobPath, readMeta } from "./stored-file.ts";
import { summarizeFileStore } from "./summarize-file-store.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const MARKER = "PLAINTEXT-MARKER-7f3a9c";

/** Every file under the store whose bytes contain `needle`. */
function filesContaining(needle: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) hits.push(path.relative(env().fileStoreDir, p));
    }
  };
  if (existsSync(env().fileStoreDir)) walk(env().fileStoreDir);
  return hits;
}

/** A file as a version before encryption stored it: plaintext bytes and {"sha256","size"}. */
function writeLegacyFile(fileId: string, bytes: Buffer, withMeta = true): string {
  const p = storePath(storeKeyForFile(fileId));
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  if (withMeta)
    writeFileSync(`${p}.meta`, JSON.stringify({ sha256: sha(bytes), size: bytes.length }));
  return p;
}

async function readBack(fileId: string): Promise<Buffer> {
  return buffer(await openStoredFile(storeKeyForFile(fileId)));
}

test("stored bytes are AES-256-GCM ciphertext under the current key; the plaintext's sha256 stays the identity", async () => {
  const bytes = Buffer.from(`${MARKER} quarterly report\n`.repeat(1000));
  const stored = await writeFileBytes({
    fileId: "enc1",
    source: Readable.from([bytes.subarray(0, 7000), bytes.subarray(7000)]),
  });
  assert.equal(stored.sha256, sha(bytes));
  assert.equal(stored.size, bytes.length);
  assert.deepEqual(filesContaining(MARKER), [], "the marker is nowhere on disk");
  const meta = await readMeta(storePath(stored.storeKey));
  assert.equal(meta?.sha256, sha(bytes));
  assert.equal(meta?.encryption?.alg, "A256GCM");
  assert.equal(meta?.encryption?.keyWrap, "A256KW");
  assert.equal(meta?.encryption?.keyId, "k1");
  const blob = readFileSync(blobPath(storePath(stored.storeKey), meta!.encryption!.blob));
  assert.equal(
    blob.length,
    bytes.length,
    "GCM ciphertext is as long as the plaintext (the tag is in the .meta)",
  );
  assert.ok(!blob.equals(bytes));
  assert.ok((await readBack("enc1")).equals(bytes), "reads back as the plaintext");
  assert.equal(existsSync(storePath(stored.storeKey)), false, "no plaintext file beside it");
  assert.deepEqual(
    (await listAttachmentKeys()).map((k) => k.id),
    ["k1"],
  );
  const audit = await db().auditRecord.findMany({ where: { eventName: "createAttachmentKey" } });
  assert.equal(audit.length, 1, "the first key is audited once");
  assert.ok(
    !audit[0]!.json.includes((await db().attachmentKey.findFirstOrThrow()).sealedKey),
    "the audit holds no key material",
  );
});

test("a flipped ciphertext byte, a changed tag or a swapped blob is an IntegrityError before any byte is read", async () => {
  const bytes = Buffer.from(`${MARKER} evidence\n`.repeat(200));
  const cases: Array<[string, (dataPath: string, blobFile: string) => void]> = [
    [
      "flipped byte",
      (_d, blobFile) => {
        const b = readFileSync(blobFile);
        b[100]! ^= 1;
        writeFileSync(blobFile, b);
      },
    ],
    [
      "truncated",
      (_d, blobFile) => writeFileSync(blobFile, readFileSync(blobFile).subarray(0, 500)),
    ],
    [
      "changed tag",
      (dataPath) => {
        const meta = JSON.parse(readFileSync(`${dataPath}.meta`, "utf8"));
        const tag = Buffer.from(meta.encryption.tag, "base64");
        tag[0]! ^= 1;
        meta.encryption.tag = tag.toString("base64");
        writeFileSync(`${dataPath}.meta`, JSON.stringify(meta));
      },
    ],
    [
      "swapped blob",
      (_d, blobFile) => {
        const other = storePath(storeKeyForFile("tamper-donor"));
        const otherMeta = JSON.parse(readFileSync(`${other}.meta`, "utf8"));
        writeFileSync(blobFile, readFileSync(blobPath(other, otherMeta.encryption.blob)));
      },
    ],
  ];
  await writeFileBytes({
    fileId: "tamper-donor",
    source: Readable.from([Buffer.from(`${MARKER} evidencE\n`.repeat(200))]),
  });
  for (const [name, damage] of cases) {
    const id = `tamper-${name.replace(/ /g, "-")}`;
    const stored = await writeFileBytes({ fileId: id, source: Readable.from([bytes]) });
    const dataPath = storePath(stored.storeKey);
    const meta = (await readMeta(dataPath))!;
    damage(dataPath, blobPath(dataPath, meta.encryption!.blob));
    await assert.rejects(openStoredFile(stored.storeKey), (error: unknown) => {
      assert.ok(error instanceof IntegrityError, `${name}: ${String(error)}`);
      assert.match(error.actualSha256, /^[0-9a-f]{64}$/, name);
      // With only the tag changed the bytes decrypt as before, but unauthenticated.
      if (name === "changed tag") assert.equal(error.actualSha256, sha(bytes), name);
      else assert.notEqual(error.actualSha256, sha(bytes), name);
      return true;
    });
  }
});

test("the migration encrypts a plaintext store in place, resumes after a stop or a kill at any step, and never leaves a file unreadable", async () => {
  const files = new Map<string, Buffer>();
  for (let i = 0; i < 12; i++) {
    const bytes = Buffer.from(`${MARKER} legacy file ${i}\n`.repeat(50 + i));
    files.set(`legacy${i}`, bytes);
    writeLegacyFile(`legacy${i}`, bytes, i !== 5); // legacy5: bytes without a .meta (tests write such files)
  }
  const readAll = async () => {
    for (const [id, bytes] of files)
      assert.ok((await readBack(id)).equals(bytes), `${id} readable`);
  };
  await readAll();
  const before = await summarizeFileStore();
  assert.ok(before.plaintext >= 12);

  const first = await encryptFileStore({ limit: 4 });
  assert.equal(first.encrypted, 4);
  assert.equal(first.remaining, before.plaintext - 4);
  await readAll();

  // Killed after the ciphertext was renamed into place but before its .meta: still the plaintext.
  await assert.rejects(encryptFileStore({ limit: 0, crashAt: "after-blob" }), SimulatedCrash);
  await readAll();
  // Killed after the .meta but before the plaintext was removed: already the ciphertext.
  await assert.rejects(encryptFileStore({ limit: 1, crashAt: "after-meta" }), SimulatedCrash);
  await readAll();

  const rest = await encryptFileStore();
  assert.equal(rest.remaining, 0);
  await readAll();
  const summary = await summarizeFileStore();
  assert.equal(summary.plaintext, 0);
  assert.equal(summary.files, before.files);
  assert.deepEqual(Object.keys(summary.byKey), ["k1"]);
  const legacy5 = (await readMeta(storePath(storeKeyForFile("legacy5"))))!;
  assert.equal(
    legacy5.sha256,
    sha(files.get("legacy5")!),
    "a file without a .meta gets one with its sha256",
  );

  // The orphan blob of the kill before the .meta goes once it is an hour old, nothing else.
  const orphans = () => readdirSync(path.dirname(storePath(storeKeyForFile("legacy0")))).length;
  const removedNow = await collectStoreGarbage();
  assert.equal(removedNow, 0, "nothing younger than an hour");
  const removed = await collectStoreGarbage({ now: new Date(Date.now() + 2 * 3_600_000) });
  assert.equal(removed, 1, "the one orphan blob");
  assert.ok(orphans() > 0);
  await readAll();
  assert.deepEqual(filesContaining(MARKER), []);
  assert.equal((await encryptFileStore()).encrypted, 0, "a further pass finds nothing");
});

test("rotation re-wraps every data key under a new key without touching the ciphertext, resumes when stopped, then retires the old key", async () => {
  const ids = ["rot1", "rot2", "rot3", "rot4", "rot5"];
  const contents = new Map(ids.map((id) => [id, Buffer.from(`${MARKER} ${id}\n`.repeat(100))]));
  for (const [id, bytes] of contents)
    await writeFileBytes({ fileId: id, source: Readable.from([bytes]) });
  const blobsBefore = new Map<string, Buffer>();
  for (const id of ids) {
    const p = storePath(storeKeyForFile(id));
    blobsBefore.set(id, readFileSync(blobPath(p, (await readMeta(p))!.encryption!.blob)));
  }
  const total = (await summarizeFileStore()).files;

  const stopped = await rotateAttachmentKey({ limit: 3 });
  assert.ok(stopped);
  assert.equal(stopped.finished, false);
  assert.equal(stopped.keyId, "k2");
  assert.equal(stopped.rewrapped, 3);
  let keys = await listAttachmentKeys();
  assert.deepEqual(
    keys.map((k) => [k.id, k.retiredAt === null]),
    [
      ["k1", true],
      ["k2", true],
    ],
    "k1 is not retired while files still use it",
  );
  const mixed = await summarizeFileStore();
  assert.equal(mixed.byKey.k2, 3);
  assert.equal(mixed.byKey.k1, total - 3);
  for (const [id, bytes] of contents)
    assert.ok((await readBack(id)).equals(bytes), `${id} readable mid-rotation`);
  const uploaded = Buffer.from("uploaded during the rotation");
  await writeFileBytes({ fileId: "rot-new", source: Readable.from([uploaded]) });
  assert.equal(
    (await readMeta(storePath(storeKeyForFile("rot-new"))))!.encryption!.keyId,
    "k2",
    "new files use the new key at once",
  );

  const resumed = await rotateAttachmentKey();
  assert.ok(resumed);
  assert.equal(resumed.resumed, true, "continues; no third key");
  assert.equal(resumed.finished, true);
  assert.equal(resumed.keyId, "k2");
  assert.equal(resumed.rewrapped, total - 3);
  assert.deepEqual(resumed.retired, ["k1"]);
  keys = await listAttachmentKeys();
  assert.deepEqual(
    keys.map((k) => [k.id, k.retiredAt !== null]),
    [
      ["k1", true],
      ["k2", false],
    ],
  );
  assert.deepEqual((await summarizeFileStore()).byKey, { k2: total + 1 });
  for (const [id, bytes] of contents) {
    assert.ok((await readBack(id)).equals(bytes), `${id} readable after k1 retired`);
    const p = storePath(storeKeyForFile(id));
    assert.ok(
      readFileSync(blobPath(p, (await readMeta(p))!.encryption!.blob)).equals(blobsBefore.get(id)!),
      `${id}: the ciphertext is unchanged`,
    );
  }
  assert.ok((await readBack("rot-new")).equals(uploaded));

  const again = await rotateAttachmentKey();
  assert.equal(again?.keyId, "k3");
  assert.equal(again?.resumed, false);
  assert.deepEqual(again?.retired, ["k2"]);
  assert.equal(await rotateAttachmentKey({ resumeOnly: true }), null, "nothing to resume");
});

test("a 64 MB file is written and read with bounded memory: heap and buffers stay far below the file's size", async () => {
  const { setFlagsFromString } = await import("node:v8");
  const { runInNewContext } = await import("node:vm");
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const SIZE = 64 * 1024 * 1024;
  const CHUNK = 64 * 1024;
  // What is still referenced: collect, let the array-buffer sweeper finish, collect again.
  const retained = async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  let baseline = 0;
  let peak = 0;
  const sample = async () => {
    peak = Math.max(peak, (await retained()) - baseline);
  };
  const expected = createHash("sha256");
  for (let i = 0; i < SIZE / CHUNK; i++) expected.update(Buffer.alloc(CHUNK, i % 251));
  const source = (async function* () {
    for (let i = 0; i < SIZE / CHUNK; i++) {
      if (i % 64 === 0) await sample();
      yield Buffer.alloc(CHUNK, i % 251);
    }
  })();
  baseline = await retained();
  const stored = await writeFileBytes({
    fileId: "big64",
    source: Readable.from(source),
    durable: false,
  });
  assert.equal(stored.size, SIZE);
  assert.equal(stored.sha256, expected.digest("hex"));
  const writePeak = peak;

  peak = 0;
  baseline = await retained();
  const hash = createHash("sha256");
  let read = 0;
  let n = 0;
  for await (const chunk of await openStoredFile(stored.storeKey)) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
    if (n++ % 64 === 0) await sample();
  }
  assert.equal(read, SIZE);
  assert.equal(hash.digest("hex"), stored.sha256);
  const limit = 8 * 1024 * 1024;
  assert.ok(writePeak < limit, `writing held ${writePeak} bytes`);
  assert.ok(peak < limit, `reading (verify pass + decrypting pass) held ${peak} bytes`);
  if (process.env.SHOW_MEMORY) console.log({ writePeak, readPeak: peak });
  const p = storePath(stored.storeKey);
  assert.equal(statSync(blobPath(p, (await readMeta(p))!.encryption!.blob)).size, SIZE);
});
