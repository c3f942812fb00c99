// RELIABILITY.md check 21 (CloudTrail parity): per-job manifests, signed and chained; `verify`
// reports a flipped byte, a deleted batch, a deleted job directory, a moved file and an edited
// manifest, and passes an untouched store. Three real jobs (enqueue → claim → workJob) are made
// once; every scenario tampers with a copy of the store and the store is restored after it.
import assert from "node:assert/strict";
import { cp, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, afterEach, before, test } from "node:test";

process.env.LOG_LEVEL = "silent";

import { env } from "../../config/env.ts";
import { db } from "../../db/client.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { createExportJob } from "../../jobs/create-export-job.ts";
import { runJob as workJob } from "../../worker/run-job.ts";
import { ExportFixture, setExportSettings } from "../../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runCliInProcess } from "../../cli/testing/run-cli.ts";
import {
  canonicalJson,
  MANIFEST_FILE,
  sha256Hex,
  verifyManifestSignature,
  type JobManifest,
} from "./manifest-format.ts";
import { verifyExports } from "./verify-exports.ts";
import { writeJobManifest } from "./write-job-manifest.ts";

let t: TestDatabase;
let fx: ExportFixture;
let root: string;
let backup: string;
type Made = { id: string; dir: string; files: string[] };
const jobs: Made[] = [];

/** A cursor-moving run to its end, then its manifest (as the worker will once it is hooked in). */
async function runJob(): Promise<Made> {
  const job = await createExportJob({
    input: {},
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
  });
  const claimed = await claimNextJob({ workerId: "w-test", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed, "the new job is claimable");
  const status = await workJob({ claimed, workerId: "w-test", leaseMs: 60_000 });
  const row = await db().exportJob.findUniqueOrThrow({
    where: { id: job.id },
    include: { batches: { orderBy: { number: "asc" } } },
  });
  assert.equal(status, "success", `job ${job.id}: ${row.error}`);
  await writeJobManifest({ jobId: job.id });
  return { id: job.id, dir: row.exportDir, files: row.batches.map((b) => b.fileName) };
}

const abs = (...parts: string[]) => path.join(root, ...parts);
const readManifest = async (dir: string) =>
  JSON.parse(await readFile(abs(dir, MANIFEST_FILE), "utf8")) as JobManifest;

async function cliRun(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const r = await runCliInProcess(["verify", ...argv]);
  return { code: r.code, lines: r.stdout.split("\n").filter(Boolean) };
}

before(async () => {
  t = await useTestDatabase();
  root = env().exportDir;
  backup = path.join(t.dataDir, "export-store-backup");
  await setExportSettings({ BatchSize: 5 });
  fx = new ExportFixture("manifest");
  await fx.insertWorkspace();
  for (let day = 0; day < 3; day++) {
    await fx.addPosts(12);
    jobs.push(await runJob());
  }
  await cp(root, backup, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await cp(backup, root, { recursive: true });
});
after(async () => t.cleanup());

test("three jobs: manifests list every batch with size and sha256, signed and chained", async () => {
  assert.equal(jobs.length, 3);
  let previousBytes: Buffer | null = null;
  for (const [i, job] of jobs.entries()) {
    assert.ok(job.files.length >= 2, "each job wrote several batches");
    const bytes = await readFile(abs(job.dir, MANIFEST_FILE));
    const m = JSON.parse(bytes.toString("utf8")) as JobManifest;
    assert.deepEqual(Object.keys(m), [
      "version",
      "job_id",
      "policy_id",
      "export_dir",
      "format",
      "window",
      "files",
      "reconciliation",
      "attachments",
      "previous",
      "signature",
    ]);
    const reconciliation = await readFile(abs(job.dir, "reconciliation.json"));
    assert.deepEqual(
      m.reconciliation,
      {
        name: "reconciliation.json",
        size: reconciliation.length,
        sha256: sha256Hex(reconciliation),
      },
      "the manifest names the reconciliation with its hash",
    );
    assert.equal(m.version, 1);
    assert.equal(m.job_id, job.id);
    assert.equal(m.policy_id, "default");
    assert.equal(m.export_dir, job.dir);
    assert.equal(m.format, "csv");
    assert.equal(typeof m.window.start, "number");
    assert.equal(typeof m.window.end, "number");
    assert.deepEqual(
      m.files.map((f) => f.name),
      job.files,
    );
    for (const f of m.files) {
      const file = await readFile(abs(job.dir, f.name));
      assert.equal(f.size, file.length);
      assert.equal(f.sha256, sha256Hex(file));
      assert.deepEqual(Object.keys(f), ["name", "size", "sha256", "batch"]);
    }
    assert.deepEqual(
      m.files.map((f) => f.batch),
      m.files.map((_, n) => n + 1),
    );
    if (i === 0) assert.equal(m.previous, null);
    else
      assert.deepEqual(m.previous, {
        job_id: jobs[i - 1]!.id,
        manifest_sha256: sha256Hex(previousBytes!),
      });
    assert.ok(verifyManifestSignature(m));
    assert.match(m.signature, /^[0-9a-f]{64}$/);
    previousBytes = bytes;
  }
  // Deterministic: writing it again gives the same bytes.
  const before = await readFile(abs(jobs[1]!.dir, MANIFEST_FILE));
  await writeJobManifest({ jobId: jobs[1]!.id });
  assert.deepEqual(await readFile(abs(jobs[1]!.dir, MANIFEST_FILE)), before);
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: null }] }), '{"a":[{"c":null,"d":2}],"b":1}');
});

test("untouched store verifies; the CLI prints All N exports verified and exits 0", async () => {
  assert.deepEqual(await verifyExports(), { ok: true, problems: [], checked: 3 });
  assert.deepEqual(await cliRun([]), { code: 0, lines: ["All 3 exports verified."] });
  assert.deepEqual(await cliRun(["--policy", "default"]), {
    code: 0,
    lines: ["All 3 exports verified."],
  });
  assert.deepEqual(await cliRun(["--policy", "other"]), {
    code: 1,
    lines: ["unknown policy other", "Nothing verified."],
  });
});

test("a flipped byte in a batch ⇒ hash mismatch", async () => {
  const { dir, files } = jobs[1]!;
  const file = abs(dir, files[0]!);
  const bytes = await readFile(file);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  await writeFile(file, bytes);
  const r = await verifyExports();
  assert.deepEqual(r.problems, [`hash mismatch ${dir}/${files[0]}`]);
  assert.equal(r.ok, false);
  const cli = await cliRun([]);
  assert.equal(cli.code, 1);
  assert.deepEqual(cli.lines, [`hash mismatch ${dir}/${files[0]}`, "1 problem(s) in 3 exports."]);
});

test("a deleted batch ⇒ missing", async () => {
  const { dir, files } = jobs[0]!;
  await rm(abs(dir, files[1]!));
  assert.deepEqual((await verifyExports()).problems, [`missing ${dir}/${files[1]}`]);
  assert.equal((await cliRun([])).code, 1);
});

test("a deleted job directory ⇒ chain gap (and the next manifest's link no longer matches)", async () => {
  await rm(abs(jobs[1]!.dir), { recursive: true });
  const r = await verifyExports();
  assert.deepEqual(r.problems, [`chain gap ${jobs[1]!.dir}`, `chain gap ${jobs[2]!.dir}`]);
  assert.equal((await cliRun([])).code, 1);
});

test("the newest job directory deleted ⇒ chain gap", async () => {
  await rm(abs(jobs[2]!.dir), { recursive: true });
  assert.deepEqual((await verifyExports()).problems, [`chain gap ${jobs[2]!.dir}`]);
});

test("a file moved to another job's directory ⇒ moved", async () => {
  const name = jobs[0]!.files[0]!;
  await rename(abs(jobs[0]!.dir, name), abs(jobs[2]!.dir, name));
  const r = await verifyExports();
  assert.deepEqual(r.problems, [
    `moved ${name} (listed in ${jobs[0]!.dir}, found in ${jobs[2]!.dir})`,
  ]);
  assert.ok(r.problems.every((p) => p.startsWith("moved ")));
  assert.equal((await cliRun([])).code, 1);
});

test("a stray file in a job directory ⇒ moved", async () => {
  await writeFile(abs(jobs[1]!.dir, "batch999-1-2.zip"), "not an export");
  assert.deepEqual((await verifyExports()).problems, [
    `moved batch999-1-2.zip (found in ${jobs[1]!.dir}, not listed in its manifest)`,
  ]);
});

test("an edited manifest (a size changed) ⇒ signature verification failed", async () => {
  const { dir } = jobs[1]!;
  const m = await readManifest(dir);
  m.files[0]!.size += 1;
  await writeFile(abs(dir, MANIFEST_FILE), `${JSON.stringify(m, null, 2)}\n`);
  const r = await verifyExports();
  // The next manifest's link to it breaks too: its hash changed.
  assert.deepEqual(r.problems, [
    `signature verification failed ${dir}`,
    `chain gap ${jobs[2]!.dir}`,
  ]);
  assert.equal((await cliRun([])).code, 1);
});

test("a rewritten previous manifest breaks the chain; a deleted manifest is reported", async () => {
  // Job 1's manifest rewritten (same content, other bytes): job 2's link to its hash catches it.
  const m = await readManifest(jobs[0]!.dir);
  await writeFile(abs(jobs[0]!.dir, MANIFEST_FILE), `${JSON.stringify(m)}\n`); // same content, other bytes
  assert.deepEqual((await verifyExports()).problems, [`chain gap ${jobs[1]!.dir}`]);
  await rm(abs(jobs[0]!.dir, MANIFEST_FILE));
  assert.deepEqual((await verifyExports()).problems, [
    `manifest missing ${jobs[0]!.dir}`,
    `chain gap ${jobs[1]!.dir}`,
  ]);
});

test("jobs whose files the retention sweep deleted are skipped", async () => {
  await rm(abs(jobs[0]!.dir), { recursive: true });
  await db().exportJob.update({ where: { id: jobs[0]!.id }, data: { filesDeletedAt: new Date() } });
  try {
    assert.deepEqual(await verifyExports(), { ok: true, problems: [], checked: 2 });
  } finally {
    await db().exportJob.update({ where: { id: jobs[0]!.id }, data: { filesDeletedAt: null } });
  }
});

test("a 0-post run has a manifest, chained to the previous one; the store still verifies", async () => {
  const made = await runJob();
  try {
    assert.deepEqual(made.files, []);
    const m = await readManifest(made.dir);
    assert.deepEqual(m.files, []);
    assert.equal(m.previous?.job_id, jobs[2]!.id);
    assert.equal(
      m.previous?.manifest_sha256,
      sha256Hex(await readFile(abs(jobs[2]!.dir, MANIFEST_FILE))),
    );
    assert.deepEqual(await verifyExports(), { ok: true, problems: [], checked: 4 });
  } finally {
    await db().exportJob.delete({ where: { id: made.id } });
  }
});

test("a job without an export directory gets no manifest", async () => {
  assert.equal(await writeJobManifest({ jobId: "00000000-0000-0000-0000-000000000000" }), null);
});
