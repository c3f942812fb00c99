// Exports to an S3 target on a real S3-protocol server (s3rver on loopback, started here):
// CSV, Actiance and JSON batches read back with the SDK and through presigned URLs are
// byte-identical to the same export on the local target; manifest.json sits beside them; `verify`
// reads the bucket and catches a changed object; retention deletes objects and legal hold keeps them.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { after, before, test } from "node:test";
import { db } from "../../db/client.ts";
import { verifyExports } from "../../export/manifest/verify-exports.ts";
import { sweepExpiredExports } from "../../export/sweep-expired-exports.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { enqueueExportJob } from "../../jobs/enqueue-job.ts";
import type { ExportFormat } from "../../settings/schema.ts";
import { ExportFixture, FIXTURE_BASE, setExportSettings } from "../../testing/export-fixtures.ts";
import { startTestS3Server, type TestS3Server } from "../../testing/s3/test-s3-server.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runJob } from "../../worker/run-job.ts";
import { localExportTarget, resolveFileTarget } from "../resolve-target.ts";
import { saveTarget } from "../save-target.ts";
import { ZTargetInput } from "../schema.ts";
import { sha256OfStored, type FileTarget } from "../target.ts";
import { S3Target } from "./s3-target.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let s3: TestS3Server;
let s3TargetId = "";
const fx = new ExportFixture("s3-export");
const WINDOW = { start: FIXTURE_BASE - 3_600_000, end: FIXTURE_BASE + 86_400_000 };

before(async () => {
  t = await useTestDatabase();
  s3 = await startTestS3Server();
  await setExportSettings({ BatchSize: 7 });
  await fx.insertWorkspace();
  await fx.addPosts(30);
  const saved = await saveTarget({
    input: ZTargetInput.parse({
      kind: "s3",
      name: "Archive bucket",
      config: {
        endpoint: s3.endpoint,
        bucket: s3.bucket,
        prefix: "custodian/",
        accessKeyId: s3.accessKeyId,
        forcePathStyle: true,
        deleteAfterDays: 10,
      },
      secret: s3.secretAccessKey,
    }),
  });
  s3TargetId = saved.after.id;
});
after(async () => {
  await s3.stop();
  await t.cleanup();
});

async function exportTo(targetId: string, format: ExportFormat): Promise<string> {
  const job = await enqueueExportJob({
    trigger: "cli",
    initiatedBy: "",
    initiatedByLabel: "test",
    format,
    window: WINDOW,
    target: { id: targetId, family: "files" },
  });
  const claimed = await claimNextJob({ workerId: "w-s3", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await runJob({ claimed, workerId: "w-s3", leaseMs: 60_000 });
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(status, "success", row.error);
  return job.id;
}

async function batchesOf(jobId: string) {
  const job = await db().exportJob.findUniqueOrThrow({
    where: { id: jobId },
    include: { batches: { orderBy: { number: "asc" } } },
  });
  return { dir: job.exportDir, batches: job.batches };
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

for (const format of ["csv", "actiance", "json"] as const) {
  test(`a ${format} export to S3 is byte-identical to the same export on the local target, read with the SDK and through a presigned URL`, async () => {
    const local = await batchesOf(await exportTo("local", format));
    const remote = await batchesOf(await exportTo(s3TargetId, format));
    assert.ok(local.batches.length >= 5, "30 posts in batches of 7");
    assert.deepEqual(
      remote.batches.map((b) => b.fileName),
      local.batches.map((b) => b.fileName),
    );
    const target = (await resolveFileTarget(s3TargetId)) as S3Target;
    const objects = await target.list(remote.dir);
    assert.ok(
      objects.some((o) => o.name === "manifest.json"),
      "the manifest is an object beside the batches",
    );
    for (const [i, b] of remote.batches.entries()) {
      const localSha = await sha256OfStored(
        localExportTarget(),
        `${local.dir}/${local.batches[i]!.fileName}`,
      );
      assert.equal(b.sha256, localSha, `${b.fileName}: the recorded hash`);
      assert.equal(
        await sha256OfStored(target, `${remote.dir}/${b.fileName}`),
        localSha,
        `${b.fileName}: read with the SDK`,
      );
      const url = await target.presign(`${remote.dir}/${b.fileName}`, {
        ttlSeconds: 300,
        fileName: b.fileName,
      });
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.equal(
        sha(Buffer.from(await response.arrayBuffer())),
        localSha,
        `${b.fileName}: through the presigned URL`,
      );
    }
    assert.deepEqual(await s3.uploads(), [], "no unfinished upload is left");
  });
}

test("verify reads the bucket: it passes, then catches a changed object", async () => {
  const jobId = await exportTo(s3TargetId, "csv");
  const clean = await verifyExports({});
  assert.deepEqual(clean.problems, []);
  const { dir, batches } = await batchesOf(jobId);
  const target = (await resolveFileTarget(s3TargetId)) as S3Target;
  await target.client.send(
    new PutObjectCommand({
      Bucket: s3.bucket,
      Key: target.key(`${dir}/${batches[1]!.fileName}`),
      Body: Buffer.from("tampered"),
    }),
  );
  const report = await verifyExports({});
  assert.ok(
    report.problems.some((p) => p.includes(batches[1]!.fileName)),
    JSON.stringify(report.problems),
  );
});

test("retention deletes an S3 export's objects after the target's days; an export on legal hold keeps them", async () => {
  const expiring = await exportTo(s3TargetId, "csv");
  const held = await exportTo(s3TargetId, "json");
  const finished = new Date(Date.now() - 11 * 86_400_000);
  await db().exportJob.updateMany({
    where: { id: { in: [expiring, held] } },
    data: { finishedAt: finished },
  });
  await db().exportJob.update({ where: { id: held }, data: { legalHold: true } });
  const target: FileTarget = await resolveFileTarget(s3TargetId);
  const expiringDir = (await batchesOf(expiring)).dir;
  const heldDir = (await batchesOf(held)).dir;
  assert.ok((await target.list(expiringDir)).length > 0);
  await sweepExpiredExports({});
  assert.deepEqual(await target.list(expiringDir), [], "the expired export's objects are deleted");
  assert.ok((await target.list(heldDir)).length > 0, "the held export's objects are kept");
  assert.ok((await db().exportJob.findUniqueOrThrow({ where: { id: expiring } })).filesDeletedAt);
  assert.equal(
    (await db().exportJob.findUniqueOrThrow({ where: { id: held } })).filesDeletedAt,
    null,
  );
});
