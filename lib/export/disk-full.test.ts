// RELIABILITY.md check 18 — disk full. The export store's writer fails with ENOSPC (after N bytes,
// and for real via /dev/full): the job ends `error` with "disk full" wording, the failing batch
// leaves no file (final or `.partial`) and no ExportBatch row, the cursor stays at the last good
// batch, and once space is back the next run exports every post exactly once across both runs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { db } from "../db/client.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import {
  allNames,
  assertExactlyOnce,
  assertJobOutput,
  expectedEntries,
  ExportFixture,
  jobExportDir,
  readExportRows,
  setExportSettings,
  type ExpectedRow,
  type ExportRow,
  jobPlan,
} from "../testing/export-fixtures.ts";
import { makeExportStoreFull } from "../testing/failing-export-store.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";

process.env.LOG_LEVEL = "silent";

let t: TestDatabase;
let fx: ExportFixture;

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 5 });
  fx = new ExportFixture("disk-full");
  await fx.insertWorkspace();
});
after(async () => {
  await t.cleanup();
});

async function runJob(): Promise<{ jobId: string; status: string }> {
  const settings = await loadExportSettings();
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
    format: settings.ExportFormat,
  });
  const claimed = await claimNextJob({ workerId: "w-test", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed, "the new job is claimable");
  const status = await workJob({ claimed, workerId: "w-test", leaseMs: 60_000 });
  return { jobId: job.id, status };
}

const jobRow = (id: string) => db().exportJob.findUniqueOrThrow({ where: { id } });
const cursorRow = () => db().exportCursor.findUnique({ where: { policyId: "default" } });
const jobStart = async (id: string) => (await jobPlan(id)).jobStartTime;

/** Runs one failing job, then one after space is back; checks everything check 18 asks. */
async function diskFullThenRecover(
  mode: Parameters<typeof makeExportStoreFull>[0],
  fromCall: number,
  postCount: number,
) {
  const cursorBefore = await cursorRow();
  await fx.addPosts(postCount);
  const full = makeExportStoreFull(mode, { fromCall });
  let failed: { jobId: string; status: string };
  try {
    failed = await runJob();
  } finally {
    full.restore();
  }
  assert.ok(
    full.calls() >= fromCall,
    `the failing store was reached (${full.calls()} pending files)`,
  );
  assert.equal(failed.status, "error");
  const job = await jobRow(failed.jobId);
  assert.equal(job.status, "error");
  assert.match(job.error, /disk full/i, `error wording: ${job.error}`);
  assert.equal(job.activeSlot, null, "the failed job no longer holds the active slot");

  // Only the good batches (before the failing one) are there: files and rows.
  const good = fromCall - 1;
  const dir = await jobExportDir(failed.jobId);
  const names = await allNames(dir);
  assert.equal(
    names.filter((n) => n.endsWith(".partial") || n.startsWith(".")).length,
    0,
    `no .partial left: ${names.join(", ")}`,
  );
  const batches = await db().exportBatch.findMany({
    where: { jobId: failed.jobId },
    orderBy: { number: "asc" },
  });
  assert.equal(batches.length, good, "no ExportBatch row for the failing batch");
  assert.deepEqual(
    names.filter((n) => n.endsWith(".zip")).sort(),
    batches.map((b) => b.fileName).sort(),
    "no final-named file for the failing batch",
  );
  assert.equal(job.batchesWritten, good);

  const cursor = await cursorRow();
  if (good > 0) {
    const last = batches[batches.length - 1]!;
    assert.ok(cursor);
    assert.equal(
      Number(cursor.lastUpdateAt),
      Number(last.toUpdateAt),
      "cursor at the last good batch",
    );
    assert.equal(cursor.lastPostId, last.toPostId);
    assert.equal(cursor.jobId, failed.jobId);
  } else {
    assert.deepEqual(
      cursor && { u: Number(cursor.lastUpdateAt), p: cursor.lastPostId, j: cursor.jobId },
      cursorBefore && {
        u: Number(cursorBefore.lastUpdateAt),
        p: cursorBefore.lastPostId,
        j: cursorBefore.jobId,
      },
      "cursor unchanged",
    );
  }
  const failedRows: ExportRow[] = await readExportRows(dir);

  // Space is back: the next run continues from the cursor; both runs together hold each entry once.
  const next = await runJob();
  if (next.status === "error")
    assert.fail(`the run after restoring the store failed: ${(await jobRow(next.jobId)).error}`);
  assert.equal(next.status, "success");
  const out = await assertJobOutput(next.jobId);
  const changes = fx.takeChanges();
  const expected: ExpectedRow[] = expectedEntries(changes, await jobStart(failed.jobId));
  assertExactlyOnce([...failedRows, ...out.rows], expected, {
    label: `${mode.kind} across both runs`,
  });
  assert.ok(out.rows.length > 0);
  return { failedRows, nextRows: out.rows };
}

test("ENOSPC after N bytes in batch 3 (batch size 5): batches 1–2 kept, batch 3 leaves nothing, next run exactly once", async () => {
  const { failedRows } = await diskFullThenRecover({ kind: "after-bytes", bytes: 700 }, 3, 17);
  assert.equal(new Set(failedRows.map((r) => r.batchFile)).size, 2);
});

test("real ENOSPC from /dev/full on the first batch: no batch at all, cursor unchanged, next run exactly once", async () => {
  await diskFullThenRecover({ kind: "dev-full" }, 1, 8);
});

test("ENOSPC after 1 byte on the second batch of a small (last) batch", async () => {
  await diskFullThenRecover({ kind: "after-bytes", bytes: 1 }, 2, 7);
});
