// A worker killed (SIGKILL) in the middle of a multipart upload to an S3 target, then the job
// resumed: no partial object was ever visible, the orphan upload is aborted, and the batch comes
// out byte-identical to the same export on the local target. Real processes (the crash harness
// lib/testing/export-worker-child.ts) against a real S3-protocol server on loopback (s3rver, here),
// which holds the CompleteMultipartUpload so the kill lands after the parts went up.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import { db } from "../../db/client.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { enqueueExportJob } from "../../jobs/enqueue-job.ts";
import { ExportFixture, FIXTURE_BASE, setExportSettings } from "../../testing/export-fixtures.ts";
import { startTestS3Server, type TestS3Server } from "../../testing/s3/test-s3-server.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runJob } from "../../worker/run-job.ts";
import { localExportTarget, resolveFileTarget } from "../resolve-target.ts";
import { saveTarget } from "../save-target.ts";
import { ZTargetInput } from "../schema.ts";
import { sha256OfStored } from "../target.ts";
import { spawnExportWorker } from "../../testing/spawn-export-worker.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let s3: TestS3Server;
let child: ChildProcess | undefined;
const WINDOW = { start: FIXTURE_BASE - 60_000, end: FIXTURE_BASE + 86_400_000 };

before(async () => {
  t = await useTestDatabase();
  s3 = await startTestS3Server();
  // One batch of 2,400 posts with 6 KiB of random text each: a zip of ~11 MiB, above one 8 MiB part.
  await setExportSettings({ BatchSize: 10_000 });
  const fx = new ExportFixture("s3-crash");
  await fx.insertWorkspace();
  await fx.addPosts(2400, { message: () => randomBytes(4608).toString("base64") });
});
after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await s3.stop();
  await t.cleanup();
});

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("SIGKILL mid-multipart, then resume: no visible partial object, no orphan upload, identical bytes", async () => {
  const target = await saveTarget({
    input: ZTargetInput.parse({
      kind: "s3",
      name: "crash bucket",
      config: {
        endpoint: s3.endpoint,
        bucket: s3.bucket,
        prefix: "p/",
        accessKeyId: s3.accessKeyId,
        forcePathStyle: true,
      },
      secret: s3.secretAccessKey,
    }),
  });
  const job = await enqueueExportJob({
    trigger: "cli",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
    window: WINDOW,
    target: { id: target.after.id, family: "files" },
  });

  s3.holdCompletes(true);
  let stderr = "";
  child = spawnExportWorker({
    db: t,
    env: { WORKER_ID: "doomed", LEASE_MS: "2000", JOB_ID: job.id },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child!.once("exit", resolve));
  await until(
    async () => s3.heldCompletes() > 0 || child!.exitCode !== null,
    "the worker to finish uploading the parts",
  );
  assert.equal(
    child.exitCode,
    null,
    `the worker ended before completing its upload: ${stderr.slice(-2000)}`,
  );
  child.kill("SIGKILL");
  await exited;
  s3.holdCompletes(false);

  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  const s3Target = await resolveFileTarget(target.after.id);
  const orphans = (await s3.uploads()).filter((u) => u.key.startsWith(`p/${row.exportDir}/`));
  assert.equal(orphans.length, 1, "the killed worker left its multipart upload unfinished");
  assert.deepEqual(await s3Target.list(row.exportDir), [], "no object is visible under the export");
  assert.equal(row.batchesWritten, 0);

  // Another worker takes the job over once the lease has expired, and resumes it.
  await new Promise((r) => setTimeout(r, 2500));
  const claimed = await claimNextJob({ workerId: "rescuer", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed, "the job is claimable after the lease expired");
  const status = await runJob({ claimed, workerId: "rescuer", leaseMs: 60_000 });
  const resumed = await db().exportJob.findUniqueOrThrow({
    where: { id: job.id },
    include: { batches: true },
  });
  assert.equal(status, "success", resumed.error);
  assert.deepEqual(await s3.uploads(), [], "no orphan upload is left");
  assert.equal(resumed.batches.length, 1);
  const batch = resumed.batches[0]!;
  assert.ok(
    Number(batch.size) > 8 * 1024 * 1024,
    `the batch (${batch.size} bytes) took more than one part`,
  );
  const objects = (await s3Target.list(resumed.exportDir)).map((o) => o.name);
  assert.deepEqual(objects, [batch.fileName, "manifest.json", "reconciliation.json"].sort());

  // The same export on the local target: byte for byte the same batch.
  const local = await enqueueExportJob({
    trigger: "cli",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
    window: WINDOW,
    target: { id: "local", family: "files" },
  });
  const localClaim = await claimNextJob({ workerId: "w", leaseMs: 60_000, jobId: local.id });
  assert.ok(localClaim);
  assert.equal(await runJob({ claimed: localClaim, workerId: "w", leaseMs: 60_000 }), "success");
  const localRow = await db().exportJob.findUniqueOrThrow({
    where: { id: local.id },
    include: { batches: true },
  });
  const localSha = await sha256OfStored(
    localExportTarget(),
    `${localRow.exportDir}/${localRow.batches[0]!.fileName}`,
  );
  assert.equal(await sha256OfStored(s3Target, `${resumed.exportDir}/${batch.fileName}`), localSha);
  assert.equal(batch.sha256, localSha);
});
