import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { text } from "node:stream/consumers";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { applyRecords } from "./apply-records.ts";
import { openStoredFile, storeFileBytes, storeKeyForFile } from "./file-store.ts";
import { fileInfo } from "./test-records.ts";

let t: TestDatabase;
let filesDir: string;
before(async () => {
  t = await useTestDatabase();
  filesDir = path.join(t.dataDir, "source");
  mkdirSync(path.join(filesDir, "sub"), { recursive: true });
  writeFileSync(path.join(filesDir, "sub", "report.pdf"), "pdf");
  writeFileSync(path.join(t.dataDir, "secret.txt"), "secret");
  symlinkSync(path.join(t.dataDir, "secret.txt"), path.join(filesDir, "escape.txt"));
  symlinkSync(path.join(filesDir, "sub", "report.pdf"), path.join(filesDir, "inside-link.pdf"));
});
after(async () => t.cleanup());

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

test("store keys come from the id's hash and never trust the id as a path", () => {
  const key = storeKeyForFile("abc123");
  assert.equal(key, `${sha("abc123").slice(0, 2)}/abc123`);
  for (const hostile of ["../../etc/passwd", "/abs", "a/b", "A", "x.y", "con", "..", "%2e%2e"]) {
    const k = storeKeyForFile(hostile);
    assert.match(k, /^[0-9a-f]{2}\/(?:[a-z0-9_-]{1,64}|x\.[0-9a-f]{64})$/, hostile);
    assert.ok(!k.includes(".."), hostile);
  }
  assert.equal(
    storeKeyForFile("A"),
    `${sha("A").slice(0, 2)}/x.${sha("A")}`,
    "upper case is hashed (case-insensitive disks)",
  );
  assert.throws(() => storeKeyForFile(""), UserError);
});

test("a store key that is not one is refused before any file is opened", async () => {
  await assert.rejects(openStoredFile("../x"), UserError);
});

test("bytes are streamed into the store with their sha256 and size, and can be read back", async () => {
  await applyRecords({ records: [fileInfo("f1")] });
  const chunks = [Buffer.from("hello "), Buffer.from("world")];
  const stored = await storeFileBytes({ fileId: "f1", source: Readable.from(chunks) });
  assert.deepEqual(stored, {
    storeKey: storeKeyForFile("f1"),
    sha256: sha("hello world"),
    size: 11,
    linked: true,
  });
  const row = await db().fileInfo.findUniqueOrThrow({ where: { id: "f1" } });
  assert.equal(row.storeKey, stored.storeKey);
  assert.equal(row.sha256, stored.sha256);
  assert.equal(await text(await openStoredFile(stored.storeKey)), "hello world");
  assert.deepEqual(readdirSync(path.join(env().fileStoreDir, "tmp")), [], "no temp file left");
});

test("an upload over maxBytes is refused with 413 and leaves nothing", async () => {
  await assert.rejects(
    storeFileBytes({
      fileId: "big1",
      source: Readable.from([Buffer.alloc(10), Buffer.alloc(10)]),
      maxBytes: 15,
    }),
    (error: unknown) => error instanceof UserError && error.status === 413,
  );
  assert.equal(existsSync(path.join(env().fileStoreDir, storeKeyForFile("big1"))), false);
  assert.deepEqual(readdirSync(path.join(env().fileStoreDir, "tmp")), []);
});

test("--files: a file_info path inside the directory stores its bytes", async () => {
  const result = await applyRecords({
    records: [
      fileInfo("f2", { path: "sub/report.pdf" }),
      fileInfo("f3", { path: "inside-link.pdf" }),
    ],
    filesDir,
  });
  assert.ok(result.ok);
  const row = await db().fileInfo.findUniqueOrThrow({ where: { id: "f2" } });
  assert.equal(row.sha256, sha("pdf"));
  assert.equal(await text(await openStoredFile(row.storeKey)), "pdf");
  assert.equal((await db().fileInfo.findUniqueOrThrow({ where: { id: "f3" } })).sha256, sha("pdf"));
});

test("--files: paths leaving the directory are refused, naming the record", async () => {
  const cases: Array<[string, RegExp]> = [
    ["../secret.txt", /must not contain "\.\." segments/],
    ["sub/../../secret.txt", /must not contain "\.\." segments/],
    [path.join(t.dataDir, "secret.txt"), /not an absolute path/],
    ["/etc/passwd", /not an absolute path/],
    ["escape.txt", /leads outside the files directory/],
    ["missing.pdf", /does not exist in the files directory/],
    ["sub", /is not a regular file/],
  ];
  for (const [p, message] of cases) {
    const result = await applyRecords({
      records: [fileInfo("ok1"), fileInfo("bad1", { path: p })],
      filesDir,
    });
    assert.ok(!result.ok, p);
    assert.equal(result.errors.length, 1, p);
    assert.equal(result.errors[0]!.index, 1, p);
    assert.equal(result.errors[0]!.field, "file_info.path", p);
    assert.match(result.errors[0]!.message, message, p);
  }
  assert.equal(await db().fileInfo.count({ where: { id: { in: ["ok1", "bad1"] } } }), 0);
});
