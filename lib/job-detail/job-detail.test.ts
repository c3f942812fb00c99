// The job detail page's reader and its Retry (issue 12 item 2): status history from the job's audit
// records, batches, warning.txt read from the batch zips, and a suggested next step for errors.
import assert from "node:assert/strict";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { ZipFile } from "yazl";
import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { createAdmin } from "../auth/create-admin.ts";
import { db } from "../db/client.ts";
import { localExportTarget } from "../targets/resolve-target.ts";
import { setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { parseJobRequest } from "../jobs/job-request.ts";
import { readJobDetail } from "./read-job-detail.ts";
import { retryJob } from "../jobs/retry-job.ts";
import { suggestNextStep } from "./suggest-next-step.ts";

process.env.LOG_LEVEL = "silent";

let t: TestDatabase;
let alice: { id: string; email: string };
before(async () => {
  t = await useTestDatabase();
  await setExportSettings();
  alice = await createAdmin({
    email: "alice@example.com",
    password: "alice passphrase 123",
    owner: true,
  });
});
after(async () => t.cleanup());
beforeEach(async () => {
  await db().exportBatch.deleteMany();
  await db().exportJob.deleteMany();
});

async function writeZip(rel: string, entries: Record<string, string>): Promise<number> {
  const file = localExportTarget().resolve(rel);
  mkdirSync(path.dirname(file), { recursive: true });
  const zip = new ZipFile();
  for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  await new Promise<void>((resolve, reject) =>
    zip.outputStream.pipe(createWriteStream(file)).on("close", resolve).on("error", reject),
  );
  return 1;
}

test("status history comes from the job's own audit records, actors by email; batches and warning.txt are shown", async () => {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: alice.id,
    initiatedByLabel: alice.email,
    format: "csv",
  });
  const other = await enqueueExportJob({
    trigger: "api",
    initiatedBy: alice.id,
    initiatedByLabel: alice.email,
    format: "csv",
    window: { start: 0 },
  });
  const actor = { userId: alice.id, sessionId: "s", client: "Mozilla/5.0", ipAddress: "10.0.0.1" };
  await record({
    eventName: "createJob",
    status: "success",
    actor,
    objectType: "job",
    apiPath: "/compliance-export#runNow",
    parameters: {},
    resultingState: { job_id: job.id, status: "pending", format: "csv" },
  });
  await record({
    eventName: "createJob",
    status: "success",
    actor,
    objectType: "job",
    apiPath: "/api/v1/jobs",
    parameters: {},
    resultingState: { job_id: other.id, status: "pending" },
  });
  await record({
    eventName: "updateJobStatus",
    status: "success",
    actor: componentActor("worker"),
    objectType: "job",
    apiPath: "worker:MessageExportWorker",
    parameters: { job_id: job.id, attempt: 1 },
    priorState: { status: "pending" },
    resultingState: { status: "in_progress" },
  });
  await record({
    eventName: "updateJobStatus",
    status: "success",
    actor: componentActor("worker"),
    objectType: "job",
    apiPath: "worker:MessageExportWorker",
    parameters: { job_id: job.id, attempt: 1 },
    priorState: { status: "in_progress" },
    resultingState: { status: "warning" },
  });

  const dir = "compliance-export-test-detail";
  await writeZip(`${dir}/batch001-1-2.zip`, {
    "posts.csv": "x",
    "warning.txt":
      "post p1: attachment f1 could not be read\npost p2: attachment f2 could not be read\n",
  });
  await writeZip(`${dir}/batch002-2-3.zip`, { "posts.csv": "y" });
  await db().exportJob.update({
    where: { id: job.id },
    data: {
      status: "warning",
      exportDir: dir,
      warningCount: 2,
      batchesWritten: 2,
      messagesExported: 9,
      startedAt: new Date(),
      finishedAt: new Date(),
      activeSlot: null,
    },
  });
  for (const [number, fileName, warnings] of [
    [1, "batch001-1-2.zip", 2],
    [2, "batch002-2-3.zip", 0],
  ] as const) {
    await db().exportBatch.create({
      data: {
        jobId: job.id,
        number,
        fileName,
        startTime: 1n,
        endTime: 2n,
        fromUpdateAt: 0n,
        fromPostId: "",
        toUpdateAt: 1n,
        toPostId: "",
        messages: 5,
        files: 1,
        warnings,
        size: 100n,
        sha256: "f".repeat(64),
      },
    });
  }

  const d = await readJobDetail({ jobId: job.id });
  assert.ok(d);
  assert.equal(d.startedBy, "alice@example.com");
  assert.deepEqual(
    d.history.map((h) => [h.event, h.from, h.to, h.by]),
    [
      ["createJob", "", "pending", "alice@example.com"],
      ["updateJobStatus", "pending", "in_progress", "worker"],
      ["updateJobStatus", "in_progress", "warning", "worker"],
    ],
  );
  assert.deepEqual(
    d.batches.map((b) => [b.number, b.fileName, b.size, b.sha256.length]),
    [
      [1, "batch001-1-2.zip", 100, 64],
      [2, "batch002-2-3.zip", 100, 64],
    ],
  );
  assert.deepEqual(d.warnings, [
    {
      batch: 1,
      fileName: "batch001-1-2.zip",
      lines: [
        "post p1: attachment f1 could not be read",
        "post p2: attachment f2 could not be read",
      ],
      truncated: false,
      missing: false,
    },
  ]);
  assert.equal(d.nextStep, null, "only failed jobs get a next step");
  assert.equal(await readJobDetail({ jobId: "00000000-0000-0000-0000-000000000000" }), null);
});

test("a failed job gets a next step that fits its error", async () => {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "x",
    format: "csv",
  });
  await db().exportJob.update({
    where: { id: job.id },
    data: {
      status: "error",
      error: "ENOSPC: no space left on device, write",
      activeSlot: null,
      finishedAt: new Date(),
    },
  });
  const d = await readJobDetail({ jobId: job.id });
  assert.match(d!.nextStep!, /Free disk space/);
  assert.match(suggestNextStep("SMTP 535 5.7.8 authentication failed"), /Test connection/);
  assert.match(suggestNextStep("something odd"), /Retry the job/);
  assert.match(
    suggestNextStep(
      "Gave up after 3 attempts without progress: the job was started 3 times in a row without writing a new batch",
    ),
    /without writing a batch/,
  );
  assert.match(
    suggestNextStep("Database error (P2022): The column does not exist"),
    /database refused/,
  );
});

test("Retry: only failed jobs; a ranged job is retried with its window, a daily one continues the cursor", async () => {
  const ranged = await enqueueExportJob({
    trigger: "api",
    initiatedBy: "",
    initiatedByLabel: "x",
    format: "json",
    window: { start: 1000, end: 5000 },
  });
  await db().exportJob.update({
    where: { id: ranged.id },
    data: { status: "error", finishedAt: new Date() },
  });
  const retried = await retryJob({
    jobId: ranged.id,
    initiatedBy: alice.id,
    initiatedByLabel: alice.email,
  });
  assert.notEqual(retried.id, ranged.id);
  assert.equal(retried.format, "json");
  assert.equal(retried.movesCursor, false);
  assert.deepEqual(parseJobRequest(retried.data, "").window, { start: 1000, end: 5000 });
  assert.equal(retried.initiatedByLabel, "alice@example.com");

  const daily = await enqueueExportJob({
    trigger: "scheduled",
    initiatedBy: "",
    initiatedByLabel: "scheduler",
    format: "csv",
  });
  await db().exportJob.update({
    where: { id: daily.id },
    data: { status: "error", activeSlot: null, finishedAt: new Date() },
  });
  const again = await retryJob({
    jobId: daily.id,
    initiatedBy: alice.id,
    initiatedByLabel: alice.email,
  });
  assert.equal(again.movesCursor, true);
  assert.equal(again.activeSlot, "default");

  await assert.rejects(
    retryJob({ jobId: again.id, initiatedBy: "", initiatedByLabel: "" }),
    /Only a failed job can be retried/,
  );
});
