// What the console's live job table adds to the job reader (issue 12 item 3): the revision an open
// table polls with ("anything changed since what I saw?"), each job's size, the policies for the
// filter, and the current batch while a job runs. Paging, sorting and filters: list-jobs-page.test.ts.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { db } from "../db/client.ts";
import { setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { cancelJob } from "./cancel-job.ts";
import { enqueueExportJob } from "./enqueue-job.ts";
import { listJobsPage, readJobsRevision, ZJobsPageQuery } from "./list-jobs-page.ts";

process.env.LOG_LEVEL = "silent";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings();
});
after(async () => t.cleanup());
beforeEach(async () => {
  await db().exportBatch.deleteMany();
  await db().exportJob.deleteMany();
});

const q = (input: Record<string, unknown> = {}) => ZJobsPageQuery.parse(input);
const T0 = Date.parse("2026-05-01T00:00:00Z");

/** 12 finished jobs created a minute apart: formats cycle csv/json/actiance, every third by the CLI, job 4 failed. */
async function seedJobs(): Promise<string[]> {
  const formats = ["csv", "json", "actiance"] as const;
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const job = await enqueueExportJob({
      trigger: i % 3 === 0 ? "cli" : "manual",
      initiatedBy: "",
      initiatedByLabel: "someone",
      format: formats[i % 3]!,
      window: { start: 0, end: 1 },
    });
    await db().exportJob.update({
      where: { id: job.id },
      data: {
        createdAt: new Date(T0 + i * 60_000),
        status: i === 4 ? "error" : "success",
        finishedAt: new Date(T0 + i * 60_000 + 5000),
        messagesExported: (i * 7) % 12,
        activeSlot: null,
      },
    });
    ids.push(job.id);
  }
  await db().exportBatch.create({
    data: {
      jobId: ids[11]!,
      number: 1,
      fileName: "batch001.zip",
      startTime: 0n,
      endTime: 1n,
      fromUpdateAt: 0n,
      fromPostId: "",
      toUpdateAt: 1n,
      toPostId: "",
      messages: 3,
      files: 0,
      warnings: 0,
      size: 1234n,
      sha256: "ab",
    },
  });
  return ids;
}

test("each job carries the size of its batches; the page lists the policies that have jobs", async () => {
  const ids = await seedJobs();
  const first = await listJobsPage({ query: q({ limit: 5 }) });
  assert.equal(first.total, 12);
  assert.deepEqual(
    first.jobs.map((j) => j.id),
    ids.slice(7).reverse(),
  );
  assert.equal(first.jobs[0]!.size, 1234);
  assert.equal(first.jobs[1]!.size, 0);
  const second = await listJobsPage({ query: q({ limit: 5, before: first.next }) });
  assert.deepEqual(
    second.jobs.map((j) => j.id),
    ids.slice(2, 7).reverse(),
  );
  const third = await listJobsPage({ query: q({ limit: 5, before: second.next }) });
  assert.deepEqual(
    third.jobs.map((j) => j.id),
    ids.slice(0, 2).reverse(),
  );
  assert.equal(third.next, null);
  assert.deepEqual(first.policies, ["default"]);
});

test("the revision moves when a job is created or changes, and an unchanged table answers without rows", async () => {
  await seedJobs();
  const seen = await listJobsPage({ query: q() });
  const again = await listJobsPage({ query: q({ since: seen.revision }) });
  assert.equal(again.changed, false);
  assert.deepEqual(again.jobs, []);
  assert.equal(again.revision, seen.revision);

  // A job started elsewhere (the CLI, another instance) is a change.
  const job = await enqueueExportJob({
    trigger: "cli",
    initiatedBy: "",
    initiatedByLabel: "cli (root)",
    format: "csv",
  });
  const afterCreate = await listJobsPage({ query: q({ since: seen.revision }) });
  assert.equal(afterCreate.changed, true);
  assert.equal(afterCreate.jobs[0]!.id, job.id);
  assert.equal(afterCreate.jobs[0]!.status, "pending");

  // So is a status change of an existing job.
  const r1 = await readJobsRevision();
  await new Promise((r) => setTimeout(r, 5));
  await cancelJob({ jobId: job.id });
  const r2 = await readJobsRevision();
  assert.notEqual(r2, r1);
  const afterCancel = await listJobsPage({ query: q({ since: r1 }) });
  assert.equal(afterCancel.jobs.find((j) => j.id === job.id)?.status, "canceled");
});

test("running jobs carry their percentage and current batch", async () => {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "a",
    format: "csv",
  });
  await db().exportJob.update({
    where: { id: job.id },
    data: { status: "in_progress", progress: 42, batchesWritten: 2 },
  });
  const page = await listJobsPage({ query: q() });
  assert.equal(page.jobs[0]!.progress, 42);
  assert.equal(page.jobs[0]!.currentBatch, 3);
});
