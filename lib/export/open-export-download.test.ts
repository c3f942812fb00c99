import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { env } from "../config/env.ts";
import { UserError } from "../errors/user-error.ts";
import { openExportDownload } from "./open-export-download.ts";

// Issue 11 item 7: a symlink planted in the export store (a batch file, or the job's directory)
// must not turn the download route into a reader of any file the service account can open.

let t: TestDatabase;
let outside: string;
const SECRET = "root:x:0:0:outside the export store\n";

before(async () => {
  t = await useTestDatabase();
  outside = mkdtempSync(path.join(os.tmpdir(), "custodian-outside-"));
  writeFileSync(path.join(outside, "batch001-1-2.zip"), SECRET);
  writeFileSync(path.join(outside, "passwd"), SECRET);
});
after(async () => {
  rmSync(outside, { recursive: true, force: true });
  await t.cleanup();
});

async function finishedJob(dir: string): Promise<string> {
  const id = randomUUID();
  await db().exportJob.create({
    data: {
      id,
      trigger: "manual",
      status: "success",
      format: "csv",
      exportDir: dir,
      batchesWritten: 1,
      finishedAt: new Date(),
      movesCursor: false,
    },
  });
  await db().exportBatch.create({
    data: {
      jobId: id,
      number: 1,
      fileName: "batch001-1-2.zip",
      startTime: 1n,
      endTime: 2n,
      fromUpdateAt: 0n,
      fromPostId: "",
      toUpdateAt: 2n,
      toPostId: "p",
      messages: 1,
      files: 0,
      warnings: 0,
      size: BigInt(SECRET.length),
    },
  });
  return id;
}

async function read(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("latin1");
}

/** Opens and reads the download; returns what was served, or the refusal's status. */
async function attempt(jobId: string, batch?: number): Promise<{ status: number; body?: string }> {
  try {
    const d = await openExportDownload({ jobId, batch });
    return { status: 200, body: await read(d.stream) };
  } catch (error) {
    if (error instanceof UserError) return { status: error.status };
    return { status: 500, body: String(error) };
  }
}

test("a batch file that is a symlink out of the store is not served, alone or in the whole-export zip", async () => {
  const dir = "compliance-export-symlinked-file";
  mkdirSync(path.join(env().exportDir, dir), { recursive: true });
  symlinkSync(path.join(outside, "passwd"), path.join(env().exportDir, dir, "batch001-1-2.zip"));
  const jobId = await finishedJob(dir);
  const single = await attempt(jobId, 1);
  assert.notEqual(single.status, 200, "the symlinked batch was served");
  assert.ok(!single.body?.includes("outside the export store"));
  const whole = await attempt(jobId);
  assert.ok(
    !whole.body?.includes("outside the export store"),
    `status ${whole.status}: the symlink's target is inside the zip`,
  );
});

test("a job directory that is a symlink out of the store is not served", async () => {
  const dir = "compliance-export-symlinked-dir";
  symlinkSync(outside, path.join(env().exportDir, dir));
  const jobId = await finishedJob(dir);
  const single = await attempt(jobId, 1);
  assert.notEqual(single.status, 200, "a batch under a symlinked directory was served");
  const whole = await attempt(jobId);
  assert.ok(!whole.body?.includes("outside the export store"), `status ${whole.status}`);
  unlinkSync(path.join(env().exportDir, dir));
});

test("a real batch file is served as before", async () => {
  const dir = "compliance-export-real";
  mkdirSync(path.join(env().exportDir, dir), { recursive: true });
  writeFileSync(path.join(env().exportDir, dir, "batch001-1-2.zip"), "PK real zip bytes");
  const jobId = await finishedJob(dir);
  assert.deepEqual(await attempt(jobId, 1), { status: 200, body: "PK real zip bytes" });
  const whole = await attempt(jobId);
  assert.equal(whole.status, 200);
  assert.ok(whole.body?.includes("PK real zip bytes"));
});
