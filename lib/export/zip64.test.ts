// RELIABILITY.md check 38 (functional part) — big channels and ZIP64.
// 1. A batch zip of 70,000 entries (> 65,535, so the zip needs ZIP64 end records) written by the
//    engine's writeZip through a pending file of the real LocalExportStore: the real `unzip -t`
//    passes and yauzl reads exactly 70,000 entries. (writeZip directly: 70,000 stored attachments
//    through the whole engine take far longer than this file's time budget.)
// 2. Engine level: one channel-day with 10,000 attachments, exported as CSV in one batch: the
//    attachment rows of posts.csv, metadata.json's AttachmentsCount and the zip's files/ entries
//    all count 10,000.
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { parse } from "csv-parse/sync";
import yauzl from "yauzl";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { localExportTarget } from "../targets/resolve-target.ts";
import { storeKeyForFile } from "../ingest/file-store.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import {
  assertJobOutput,
  assertZipTests,
  ExportFixture,
  FIXTURE_BASE,
  fixtureId,
  setExportSettings,
  unzipEntry,
  zipEntries,
} from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { writeZip } from "./write-zip.ts";

process.env.LOG_LEVEL = "silent";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => {
  await t.cleanup();
});

/** Counts a zip's entries with yauzl (central directory, ZIP64 aware) and returns their names. */
function yauzlEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("yauzl: no zip"));
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

test("writeZip: 66,000 entries (past ZIP's 65,535 limit) through the real export store ⇒ ZIP64 zip that unzip -t and yauzl read whole", async () => {
  // Past 65,535 entries a zip must switch to ZIP64; yazl's per-entry bookkeeping makes each extra
  // thousand entries slower, so the test stays just past the limit.
  const count = 66_000;
  const store = localExportTarget();
  const target = await store.openWrite("zip64/batch001-0-1.zip");
  const written = await writeZip({
    target,
    mtime: new Date(FIXTURE_BASE),
    fill: async (zip) => {
      for (let i = 0; i < count; i++)
        await zip.addText(`files/${String(i).padStart(5, "0")}.txt`, `entry ${i}\n`);
      return count;
    },
  });
  await target.commit();
  assert.equal(written.result, count);
  const file = store.resolve("zip64/batch001-0-1.zip");
  const bytes = await readFile(file);
  assert.equal(bytes.length, written.size);
  // ZIP64 end of central directory record (PK\x06\x06) and its locator (PK\x06\x07) are present.
  assert.ok(
    bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])),
    "ZIP64 end of central directory record",
  );
  assert.ok(
    bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07])),
    "ZIP64 end of central directory locator",
  );
  await assertZipTests(file);
  const names = await yauzlEntries(file);
  assert.equal(names.length, count, "yauzl reads every entry");
  assert.equal(new Set(names).size, count);
  assert.equal(names[count - 1], `files/${count - 1}.txt`);
  assert.equal(names[0], "files/00000.txt");
  assert.equal((await zipEntries(file)).length, count, "unzip -Z1 lists every entry");
  assert.equal((await unzipEntry(file, "files/65999.txt")).toString(), "entry 65999\n");
});

test("engine: a channel-day with 10,000 attachments ⇒ posts.csv attachment rows = metadata AttachmentsCount = files/ entries", async () => {
  const FILES = 10_000;
  const PER_POST = 100;
  const fx = new ExportFixture("zip64");
  await fx.insertWorkspace();
  await setExportSettings({ BatchSize: 1000 });
  const channel = fx.channels[0]!;
  const user = fx.users[0]!;
  const day = FIXTURE_BASE + 3_600_000; // all inside 2025-01-01 UTC
  const posts: Array<Record<string, unknown>> = [];
  const infos: Array<Record<string, unknown>> = [];
  const root = env().fileStoreDir;
  const dirs = new Set<string>();
  const writes: Array<[string, string]> = [];
  for (let p = 0; p < FILES / PER_POST; p++) {
    const postId = fixtureId("zip64", "post", p);
    const at = day + p * 1000;
    const fileIds: string[] = [];
    for (let f = 0; f < PER_POST; f++) {
      const fileId = fixtureId("zip64", "file", p, f);
      fileIds.push(fileId);
      const storeKey = storeKeyForFile(fileId);
      dirs.add(path.dirname(path.join(root, storeKey)));
      writes.push([path.join(root, storeKey), `bytes of ${fileId}\n`]);
      infos.push({
        id: fileId,
        postId,
        creatorId: user.id,
        channelId: channel.id,
        name: `f${f}.txt`,
        path: `data/${postId}/f${f}.txt`,
        size: BigInt(`bytes of ${fileId}\n`.length),
        mimeType: "text/plain",
        extension: "txt",
        createAt: BigInt(at),
        updateAt: BigInt(at),
        storeKey,
      });
    }
    posts.push({
      id: postId,
      channelId: channel.id,
      userId: user.id,
      createAt: BigInt(at),
      updateAt: BigInt(at),
      editAt: 0n,
      deleteAt: 0n,
      message: `post ${p} with ${PER_POST} files`,
      type: "",
      props: "{}",
      rootId: "",
      originalId: "",
      fileIds: JSON.stringify(fileIds),
    });
  }
  const started = Date.now();
  for (const d of dirs) await mkdir(d, { recursive: true });
  for (let i = 0; i < writes.length; i += 200)
    await Promise.all(writes.slice(i, i + 200).map(([f, text]) => writeFile(f, text)));
  await db().post.createMany({ data: posts as never });
  for (let i = 0; i < infos.length; i += 500)
    await db().fileInfo.createMany({ data: infos.slice(i, i + 500) as never });
  const setupMs = Date.now() - started;

  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-test", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await workJob({ claimed, workerId: "w-test", leaseMs: 60_000 });
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(status, "success", `job: ${row.error} (setup ${setupMs} ms)`);
  assert.equal(row.filesExported, FILES);
  const out = await assertJobOutput(job.id);
  assert.equal(out.files.length, 1, "one batch");
  const zip = path.join(out.dir, out.files[0]!);
  const entries = await zipEntries(zip);
  const fileEntries = entries.filter((n) => n.startsWith("files/"));
  const csv = parse((await unzipEntry(zip, "posts.csv")).toString("utf8"), {
    columns: true,
  }) as Array<Record<string, string>>;
  const attachmentRows = csv.filter((r) => r["Post Type"] === "attachment");
  const metadata = JSON.parse((await unzipEntry(zip, "metadata.json")).toString("utf8")) as {
    AttachmentsCount: number;
    Channels: Record<string, { AttachmentsCount: number }>;
  };
  assert.equal(attachmentRows.length, FILES, "posts.csv attachment rows");
  assert.equal(metadata.AttachmentsCount, FILES, "metadata.json AttachmentsCount");
  assert.equal(
    metadata.Channels[channel.id]?.AttachmentsCount,
    FILES,
    "the channel's AttachmentsCount",
  );
  assert.equal(fileEntries.length, FILES, "files/ entries in the zip");
  assert.ok(!entries.includes("warning.txt"), "no missing-file warnings");
  assert.equal((await yauzlEntries(zip)).length, entries.length);
  const sample = fixtureId("zip64", "file", 57, 42);
  const samplePost = fixtureId("zip64", "post", 57);
  assert.equal(
    (await unzipEntry(zip, `files/${samplePost}/${sample}-f42.txt`)).toString(),
    `bytes of ${sample}\n`,
  );
});
