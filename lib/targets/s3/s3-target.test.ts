// The S3 target against a real S3-protocol server on loopback (s3rver, started here).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestS3Server, type TestS3Server } from "../../testing/s3/test-s3-server.ts";
import { ZS3Config } from "../schema.ts";
import { createS3Client } from "./s3-client.ts";
import { S3Target } from "./s3-target.ts";

process.env.LOG_LEVEL = "silent";
let s3: TestS3Server;
let target: S3Target;

before(async () => {
  s3 = await startTestS3Server();
  const config = ZS3Config.parse({
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    prefix: "exports/",
    accessKeyId: s3.accessKeyId,
    forcePathStyle: true,
  });
  target = new S3Target("t1", "test bucket", config, createS3Client(config, s3.secretAccessKey));
});
after(async () => {
  target.client.destroy();
  await s3.stop();
});

async function write(t: S3Target, path: string, data: Buffer, commit = true) {
  const upload = await t.openWrite(path);
  await new Promise<void>((resolve, reject) => {
    upload.stream.once("error", reject);
    upload.stream.end(data, () => resolve());
  });
  if (commit) await upload.commit();
  return upload;
}

/** Waits (bounded) for what another part of the system does in the background. */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function read(t: S3Target, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await t.openRead(path)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test("a small file is invisible until commit, then readable, listed and under the prefix", async () => {
  const data = randomBytes(1000);
  const upload = await write(target, "dir-a/batch001.zip", data, false);
  assert.equal(await target.exists("dir-a/batch001.zip"), false);
  assert.deepEqual(await target.list("dir-a"), []);
  await upload.commit();
  assert.equal(await target.exists("dir-a/batch001.zip"), true);
  assert.deepEqual(await read(target, "dir-a/batch001.zip"), data);
  assert.deepEqual(await target.list("dir-a"), [{ name: "batch001.zip", size: 1000 }]);
  assert.equal(await target.hasDir("dir-a"), true);
  assert.equal(await target.hasDir("dir-b"), false);
  await assert.rejects(
    target.openRead("dir-a/missing.zip"),
    (e: NodeJS.ErrnoException) => e.code === "ENOENT",
  );
});

test("a multipart file is invisible until commit; abort leaves no object and no unfinished upload", async () => {
  const big = randomBytes(20 * 1024 * 1024 + 123);
  const upload = await write(target, "dir-c/batch001.zip", big, false);
  assert.equal(
    await target.exists("dir-c/batch001.zip"),
    false,
    "nothing under the final key before commit",
  );
  await until(async () => (await s3.uploads()).some((u) => u.key === "exports/dir-c/batch001.zip"));
  await upload.abort();
  assert.equal(await target.exists("dir-c/batch001.zip"), false);
  assert.deepEqual(await s3.uploads(), []);

  await write(target, "dir-c/batch001.zip", big);
  assert.ok((await read(target, "dir-c/batch001.zip")).equals(big));
  assert.deepEqual(await s3.uploads(), []);
});

test("removePartials aborts the multipart upload a killed writer left behind, and only under its directory", async () => {
  const big = randomBytes(17 * 1024 * 1024);
  // Written but never committed nor aborted: what a SIGKILL leaves.
  await write(target, "dir-d/batch002.zip", big, false);
  await write(target, "dir-e/batch001.zip", big, false);
  await until(async () => (await s3.uploads()).length === 2);
  await target.removePartials("dir-d");
  assert.deepEqual(
    (await s3.uploads()).map((u) => u.key),
    ["exports/dir-e/batch001.zip"],
  );
  await target.removePartials("dir-e");
  assert.deepEqual(await s3.uploads(), []);
  assert.equal(await target.exists("dir-d/batch002.zip"), false);
});

test("removeDir deletes every object under the directory and nothing else", async () => {
  await write(target, "dir-f/a.zip", Buffer.from("a"));
  await write(target, "dir-f/manifest.json", Buffer.from("{}"));
  await write(target, "dir-g/a.zip", Buffer.from("g"));
  await target.removeDir("dir-f");
  assert.deepEqual(await target.list("dir-f"), []);
  assert.equal(await target.exists("dir-g/a.zip"), true);
});

test("a presigned GET URL returns the object's bytes as an attachment", async () => {
  const data = randomBytes(5000);
  await write(target, "dir-h/batch001.zip", data);
  const url = await target.presign("dir-h/batch001.zip", {
    ttlSeconds: 600,
    fileName: "batch001.zip",
  });
  assert.match(url, /X-Amz-Expires=600/);
  assert.match(url, /X-Amz-Signature=/);
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(
    response.headers.get("content-disposition") ?? "",
    /attachment; filename="batch001.zip"/,
  );
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(data));
  const capped = await target.presign("dir-h/batch001.zip", {
    ttlSeconds: 30 * 24 * 3600,
    fileName: "b.zip",
  });
  assert.match(capped, /X-Amz-Expires=604800/, "SigV4 URLs live at most 7 days");
});

test("paths that would leave the prefix are refused", async () => {
  await assert.rejects(target.openWrite("../escape.zip"), /outside the target/);
  await assert.rejects(target.openRead("/abs.zip"), /outside the target/);
});

test("the probe writes, reads back and deletes an object; a missing bucket fails with S3's code", async () => {
  const ok = await target.probe();
  assert.equal(ok.ok, true, ok.message);
  assert.deepEqual(await target.list(""), []);
  const config = ZS3Config.parse({
    endpoint: s3.endpoint,
    bucket: "no-such-bucket",
    accessKeyId: s3.accessKeyId,
    forcePathStyle: true,
  });
  const missing = new S3Target("t2", "missing", config, createS3Client(config, s3.secretAccessKey));
  const bad = await missing.probe();
  missing.client.destroy();
  assert.equal(bad.ok, false);
  assert.match(bad.message, /NoSuchBucket/);
});
