// The batch engine end to end: enqueue → claim → workJob, output read back with the real `unzip`
// (RELIABILITY.md checks 6, 8, 9, 10, 11; EXPORT-FORMATS.md §1.4, §1.5, §2.1–2.2, §3.1, §7).
// The tests run in order and share one database: each run continues the cursor of the previous.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { cancelJob } from "../jobs/cancel-job.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import {
  assertExactlyOnce,
  assertJobOutput,
  batchFormats,
  expectedEntries,
  ExportFixture,
  jobExportDir,
  postRows,
  readExportRows,
  setExportSettings,
  sha256File,
  type ExpectedRow,
  type ExportRow,
  jobPlan,
} from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { openExportDownload } from "./open-export-download.ts";

process.env.LOG_LEVEL = "silent";
const run = promisify(execFile);

let t: TestDatabase;
let fx: ExportFixture;
let scratch: string;
/** Every post row exported by every cursor-moving run so far, and what was expected. */
const allRows: ExportRow[] = [];
const allExpected: ExpectedRow[] = [];

before(async () => {
  t = await useTestDatabase();
  scratch = await mkdtemp(path.join(os.tmpdir(), "custodian-dl-"));
  await setExportSettings({ BatchSize: 10 });
  fx = new ExportFixture("run-export-job");
  await fx.insertWorkspace();
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
  await t.cleanup();
});

type Hooks = NonNullable<Parameters<typeof workJob>[0]["hooks"]>;

/** A cursor-moving run (or a ranged one with `window`): enqueue, claim, work to its end. */
async function runJob(
  options: {
    window?: { start: number; end?: number };
    hooks?: Hooks | ((jobId: string) => Hooks);
    stopSignal?: AbortSignal;
  } = {},
) {
  const settings = await loadExportSettings();
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
    format: settings.ExportFormat,
    window: options.window,
  });
  const claimed = await claimNextJob({ workerId: "w-test", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed, "the new job is claimable");
  const hooks = typeof options.hooks === "function" ? options.hooks(job.id) : options.hooks;
  const status = await workJob({
    claimed,
    workerId: "w-test",
    leaseMs: 60_000,
    hooks,
    stopSignal: options.stopSignal,
  });
  // No job in this file is meant to fail: show why one did.
  if (status === "error") assert.fail(`job ${job.id} failed: ${(await jobRow(job.id)).error}`);
  return { jobId: job.id, status };
}

async function jobRow(id: string) {
  return db().exportJob.findUniqueOrThrow({ where: { id } });
}
const cursorRow = () => db().exportCursor.findUnique({ where: { policyId: "default" } });

/** The rows a finished cursor run must hold: the fixture's changes, classified for its window. */
async function expectedFor(jobId: string): Promise<ExpectedRow[]> {
  return expectedEntries(fx.takeChanges(), (await jobPlan(jobId)).jobStartTime);
}

async function assertCursorAtLastBatch(jobId: string) {
  const last = await db().exportBatch.findFirst({ where: { jobId }, orderBy: { number: "desc" } });
  assert.ok(last);
  const cursor = await cursorRow();
  assert.ok(cursor);
  assert.equal(Number(cursor.lastUpdateAt), Number(last.toUpdateAt));
  assert.equal(cursor.lastPostId, last.toPostId);
  assert.equal(cursor.jobId, jobId);
}

test("the exactly-once check itself catches a duplicate, a gap and a wrong update type", () => {
  const row = (
    postId: string,
    updateAt: number,
    updateType = "",
    batchFile = "batch001-0-1.zip",
  ): ExportRow => ({ postId, updateAt, updateType, postType: "message", batchFile });
  const expected: ExpectedRow[] = [
    { postId: "a", updateAt: 1, updateType: "" },
    { postId: "b", updateAt: 2, updateType: "Deleted" },
  ];
  const join: ExportRow = {
    postId: "",
    updateAt: 0,
    updateType: "",
    postType: "enter",
    batchFile: "batch001-0-1.zip",
  };
  assertExactlyOnce([row("a", 1), row("b", 2, "Deleted"), join], expected);
  assert.throws(
    () =>
      assertExactlyOnce(
        [row("a", 1), row("a", 1, "", "batch002-1-2.zip"), row("b", 2, "Deleted")],
        expected,
      ),
    /duplicated\/unexpected \(1\): a\|1\| ×1 \(in batch001-0-1.zip, batch002-1-2.zip\)/,
  );
  assert.throws(() => assertExactlyOnce([row("a", 1)], expected), /missing \(1\): b\|2\|Deleted/);
  assert.throws(
    () => assertExactlyOnce([row("a", 1), row("b", 2, "")], expected),
    /exactly-once violated/,
  );
});

let run1 = "";
let run1Ids: string[] = [];
let tieTime = 0;

test("run 1: 23 posts sharing one updateAt across batch boundaries (batch size 10) are each exported once", async () => {
  const before = await fx.addPosts(7);
  tieTime = fx.tick(1000);
  const ties = await fx.addPosts(23, { at: tieTime });
  const afterTies = await fx.addPosts(11);
  await fx.addSystemPost();
  // Created, edited and deleted before the first run: entries per §3.3 within one window.
  const [edited, deleted] = await fx.addPosts(2);
  await fx.editPost(edited!.id, "edited before run 1");
  await fx.deletePost(deleted!.id);
  run1Ids = [...before, ...ties, ...afterTies].map((p) => p.id);

  const { jobId, status } = await runJob();
  run1 = jobId;
  assert.equal(status, "success");
  const job = await jobRow(jobId);
  assert.equal(job.status, "success");
  assert.equal(job.progress, 100);
  assert.equal(job.error, "");
  assert.equal(job.attempts, 1);
  assert.equal(job.activeSlot, null);
  const out = await assertJobOutput(jobId);
  // 44 post rows (41 + the edited original + the edited + the deleted one), 10 per batch.
  assert.equal(out.files.length, 5);
  assert.equal(job.messagesExported, 44);
  const expected = await expectedFor(jobId);
  assertExactlyOnce(out.rows, expected, { label: "run 1" });
  // Batch 2 starts right after batch 1's last (updateAt, id), inside the tie.
  const batches = await db().exportBatch.findMany({ where: { jobId }, orderBy: { number: "asc" } });
  assert.equal(Number(batches[0]!.toUpdateAt), tieTime);
  assert.equal(Number(batches[1]!.fromUpdateAt), tieTime);
  assert.equal(batches[1]!.fromPostId, batches[0]!.toPostId);
  const tieIds = new Set(ties.map((p) => p.id));
  const tieRows = postRows(out.rows).filter((r) => tieIds.has(r.postId));
  assert.equal(tieRows.length, 23);
  assert.ok(
    new Set(tieRows.map((r) => r.batchFile)).size >= 3,
    "the tie spans at least three batches",
  );
  // Batches follow (updateAt, id) order: ids within the tie increase across batches.
  const tieOrder = batches.filter((b) => Number(b.toUpdateAt) === tieTime).map((b) => b.toPostId);
  assert.deepEqual(tieOrder, [...tieOrder].sort());
  await assertCursorAtLastBatch(jobId);
  // File names per §2.2.
  assert.match(
    out.files[0]!,
    new RegExp(`^batch001-${(await jobPlan(jobId)).jobStartTime}-${tieTime}\\.zip$`),
  );
  assert.match(
    path.basename(out.dir),
    /^compliance-export-\d{4}-\d{2}-\d{2}-\d{2}h\d{2}m-\d+-\d+$/,
  );
  allRows.push(...out.rows);
  allExpected.push(...expected);
});

let run2 = "";

test("run 2 (batch size 5): edits, deletes and new posts are exported as versions; no unchanged post repeats", async () => {
  await setExportSettings({ BatchSize: 5 });
  const [p0, p1, p2, p3, p4, p5] = run1Ids.slice(5, 11) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const olds = [
    await fx.editPost(p0, "edited once"),
    await fx.editPost(p1, "edited, first"),
    await fx.editPost(p1, "edited, second"),
  ];
  await fx.deletePost(p2);
  await fx.deletePost(p3); // a post from the tie
  await fx.touchPost(p4);
  const later = fx.tick(1000);
  const fresh = await fx.addPosts(6, { at: later });
  const more = await fx.addPosts(3);
  await fx.deletePost(more[0]!.id); // created and deleted inside run 2's window
  await fx.editPost(fresh[0]!.id, "a new post edited before its first export");
  void p5;

  const { jobId, status } = await runJob();
  run2 = jobId;
  assert.equal(status, "success");
  const out = await assertJobOutput(jobId);
  const expected = await expectedFor(jobId);
  assertExactlyOnce(out.rows, expected, { label: "run 2" });
  assert.ok(out.files.length >= 3, "several batches of 5");

  const rows = postRows(out.rows);
  const typesOf = (id: string) =>
    rows
      .filter((r) => r.postId === id)
      .map((r) => r.updateType)
      .sort();
  assert.deepEqual(typesOf(p0), ["EditedNewMsg"]);
  assert.deepEqual(typesOf(olds[0]!.id), ["EditedOriginalMsg"]);
  assert.deepEqual(
    typesOf(p1),
    ["EditedNewMsg"],
    "edited twice between runs: one EditedNewMsg row with the final text",
  );
  assert.deepEqual(typesOf(olds[1]!.id), ["EditedOriginalMsg"]);
  assert.deepEqual(typesOf(olds[2]!.id), ["EditedOriginalMsg"]);
  assert.deepEqual(
    typesOf(p2),
    ["Deleted"],
    "deleted, created before this window: no extra created entry",
  );
  assert.deepEqual(typesOf(p3), ["Deleted"]);
  assert.deepEqual(typesOf(p4), ["UpdatedNoMsgChange"]);
  assert.deepEqual(
    typesOf(more[0]!.id),
    ["", "Deleted"],
    "created and deleted in this window: created + Deleted",
  );
  assert.deepEqual(typesOf(fresh[0]!.id), ["EditedNewMsg"]);
  const changed = new Set([p0, p1, p2, p3, p4]);
  const repeats = rows.filter((r) => run1Ids.includes(r.postId) && !changed.has(r.postId));
  assert.deepEqual(repeats, [], "no unchanged run-1 post is exported again");
  // The deleted post's row keeps Mattermost's "delete <text>" message in the CSV (spot check by unzip).
  await assertCursorAtLastBatch(jobId);
  allRows.push(...out.rows);
  allExpected.push(...expected);
});

test("run 3 with one change, then a run with nothing new: no batch file, success, cursor unchanged", async () => {
  await fx.addPosts(1);
  const { jobId, status } = await runJob();
  assert.equal(status, "success");
  const out = await assertJobOutput(jobId);
  assert.equal(out.files.length, 1);
  const expected = await expectedFor(jobId);
  assertExactlyOnce(out.rows, expected, { label: "run 3" });
  allRows.push(...out.rows);
  allExpected.push(...expected);

  const cursorBefore = await cursorRow();
  const empty = await runJob();
  assert.equal(empty.status, "success");
  const job = await jobRow(empty.jobId);
  assert.equal(job.batchesWritten, 0);
  assert.equal(job.messagesExported, 0);
  assert.deepEqual(await readExportRows(path.join(t.dataDir, "exports", job.exportDir)), []);
  const cursorAfter = (await cursorRow())!;
  assert.deepEqual(
    [cursorAfter.lastUpdateAt, cursorAfter.lastPostId],
    [cursorBefore!.lastUpdateAt, cursorBefore!.lastPostId],
    "an empty run leaves the cursor where it was",
  );
  assert.deepEqual(
    JSON.parse(cursorAfter.state).frontier,
    JSON.parse(cursorBefore!.state).frontier,
  );
  assert.deepEqual(fx.takeChanges(), []);
});

test("exactly once across runs 1–3: every (postId, updateAt, updatedType) once over all batch files", () => {
  assertExactlyOnce(allRows, allExpected, { label: "runs 1-3" });
  // Sanity: the runs did export a fair number of rows.
  assert.ok(postRows(allRows).length >= 60);
});

test("a ranged run exports only its window [start, end] and does not move the cursor", async () => {
  const cursorBefore = await cursorRow();
  assert.ok(cursorBefore);
  const start = tieTime;
  const end = tieTime + 11_000;
  const { jobId, status } = await runJob({ window: { start, end } });
  assert.equal(status, "success");
  const job = await jobRow(jobId);
  assert.equal(job.movesCursor, false);
  assert.equal(Number(job.windowStart), start);
  assert.equal(Number(job.windowEnd), end);
  const out = await assertJobOutput(jobId);
  const expected = expectedEntries(fx.rowsUpdatedIn(start, end), start);
  assert.ok(expected.length >= 20, `the window holds posts (${expected.length})`);
  assertExactlyOnce(out.rows, expected, { label: "ranged run" });
  for (const r of postRows(out.rows))
    assert.ok(
      r.updateAt! >= start && r.updateAt! <= end,
      `row ${r.postId} at ${r.updateAt} is inside the window`,
    );
  assert.match(path.basename(out.dir), new RegExp(`-${start}-${end}$`));
  assert.deepEqual(await cursorRow(), cursorBefore, "the cursor did not move");

  // And the next cursor run still starts where the previous cursor run stopped.
  await fx.addPosts(2);
  const next = await runJob();
  const nextOut = await assertJobOutput(next.jobId);
  const nextExpected = await expectedFor(next.jobId);
  assertExactlyOnce(nextOut.rows, nextExpected, { label: "run after the ranged run" });
  const nextPlan = await jobPlan(next.jobId);
  assert.equal(nextPlan.jobStartTime, Number(cursorBefore.lastUpdateAt));
  assert.ok(nextPlan.selection.kind === "feed");
  assert.deepEqual(nextPlan.selection.frontier, {
    updateAt: Number(cursorBefore.lastUpdateAt),
    postId: cursorBefore.lastPostId,
  });
  allRows.push(...nextOut.rows);
  allExpected.push(...nextExpected);
});

test("cancel after batch 2: canceled, the two batches stay, the next run starts right after them (exactly once)", async () => {
  await fx.addPosts(23);
  const { jobId, status } = await runJob({
    hooks: (id) => ({
      afterBatch: async (n) => {
        if (n === 2)
          assert.deepEqual(await cancelJob({ jobId: id }), {
            before: "in_progress",
            after: "cancel_requested",
          });
      },
    }),
  });
  assert.equal(status, "canceled");
  const job = await jobRow(jobId);
  assert.equal(job.status, "canceled");
  assert.equal(job.activeSlot, null);
  assert.equal(job.batchesWritten, 2);
  const out = await assertJobOutput(jobId, { complete: false });
  assert.equal(out.files.length, 2);
  await assertCursorAtLastBatch(jobId);

  const next = await runJob();
  assert.equal(next.status, "success");
  const nextOut = await assertJobOutput(next.jobId);
  const last = await db().exportBatch.findFirstOrThrow({
    where: { jobId },
    orderBy: { number: "desc" },
  });
  const plan = await jobPlan(next.jobId);
  assert.equal(
    plan.jobStartTime,
    Number(last.toUpdateAt),
    "the next run starts at the canceled run's last batch",
  );
  assert.ok(plan.selection.kind === "feed");
  assert.deepEqual(plan.selection.frontier, {
    updateAt: Number(last.toUpdateAt),
    postId: last.toPostId,
  });
  const expected = expectedEntries(fx.takeChanges(), plan.jobStartTime);
  assertExactlyOnce([...out.rows, ...nextOut.rows], expected, { label: "canceled + next run" });
  allRows.push(...out.rows, ...nextOut.rows);
  allExpected.push(...expected);
});

test("a format change while a job runs (and it is stopped and resumed) keeps that job's format; the next job uses the new one", async () => {
  await fx.addPosts(14);
  const stopper = new AbortController();
  const first = await runJob({
    stopSignal: stopper.signal,
    hooks: {
      afterBatch: async (n) => {
        if (n === 1) {
          await setExportSettings({ BatchSize: 5, ExportFormat: "actiance" });
          stopper.abort(); // graceful stop: the job goes back to pending after this batch
        }
      },
    },
  });
  assert.equal(first.status, "pending");
  const stopped = await jobRow(first.jobId);
  assert.equal(stopped.status, "pending");
  assert.equal(stopped.batchesWritten, 1);
  const planBefore = await jobPlan(first.jobId);

  // Resume: the same job, same window, directory and format, batch numbers continuing.
  const claimed = await claimNextJob({ workerId: "w-resume", leaseMs: 60_000 });
  assert.ok(claimed);
  assert.equal(claimed.id, first.jobId);
  assert.equal(claimed.attempts, 1, "a graceful stop hands the attempt back");
  let downloadWhileRunning: unknown;
  const status = await workJob({
    claimed,
    workerId: "w-resume",
    leaseMs: 60_000,
    hooks: {
      afterBatch: async (n) => {
        if (n === 2)
          downloadWhileRunning = await openExportDownload({ jobId: first.jobId }).catch(
            (e: unknown) => e,
          );
      },
    },
  });
  assert.equal(status, "success");
  assert.ok(
    downloadWhileRunning instanceof UserError,
    `a running job has no download (got ${String(downloadWhileRunning)})`,
  );
  assert.equal(downloadWhileRunning.status, 409);
  const planAfter = await jobPlan(first.jobId);
  for (const key of [
    "jobStartTime",
    "jobEndTime",
    "selection",
    "exportDir",
    "format",
    "batchSize",
  ] as const) {
    assert.deepEqual(
      planAfter[key],
      planBefore[key],
      `the plan's ${key} is unchanged by the stop/resume`,
    );
  }
  assert.equal(planAfter.format, "csv");
  assert.equal((await jobRow(first.jobId)).format, "csv");
  const out = await assertJobOutput(first.jobId);
  assert.ok(out.files.length >= 2);
  assert.deepEqual(
    [...(await batchFormats(out.dir)).values()].every((f) => f === "csv"),
    true,
    "every batch of the running job is CSV",
  );
  const expected = await expectedFor(first.jobId);
  assertExactlyOnce(out.rows, expected, { label: "stopped + resumed CSV job" });
  allRows.push(...out.rows);
  allExpected.push(...expected);

  // The next job uses the new setting: Actiance.
  const added = await fx.addPosts(7);
  await fx.editPost(added[0]!.id, "edited for actiance");
  const next = await runJob();
  assert.equal(next.status, "success");
  assert.equal((await jobRow(next.jobId)).format, "actiance");
  const nextOut = await assertJobOutput(next.jobId);
  assert.ok([...(await batchFormats(nextOut.dir)).values()].every((f) => f === "actiance"));
  const nextExpected = await expectedFor(next.jobId);
  assertExactlyOnce(nextOut.rows, nextExpected, { withTime: false, label: "Actiance job" });
  await setExportSettings({ BatchSize: 5, ExportFormat: "csv" });
});

test("exactly once across every CSV cursor run (ranged run excluded)", () => {
  assertExactlyOnce(allRows, allExpected, { label: "all CSV cursor runs" });
});

test("download: the whole export streams as one zip of its batches, manifest and reconciliation under the export's directory, with its size known; ?batch=N gives that batch; unfinished jobs get 409", async () => {
  const files = (await assertJobOutput(run2)).files;
  const dir = await jobExportDir(run2);
  const top = path.basename(dir);
  const whole = await openExportDownload({ jobId: run2 });
  assert.equal(whole.fileName, `${top}.zip`);
  assert.deepEqual(whole.files, [...files, "manifest.json", "reconciliation.json"]);
  const zipPath = path.join(scratch, whole.fileName);
  await pipeline(whole.stream, createWriteStream(zipPath));
  assert.equal(
    whole.size,
    (await readFile(zipPath)).length,
    "the size (Content-Length) is known before the first byte",
  );
  const { stdout: listing } = await run("unzip", ["-Z1", zipPath]);
  assert.deepEqual(
    listing.split("\n").filter(Boolean),
    [...files, "manifest.json", "reconciliation.json"].map((f) => `${top}/${f}`),
    "the batches in order, then the manifest and the reconciliation, under the export's directory",
  );
  const { stdout: tested } = await run("unzip", ["-t", zipPath]);
  assert.match(tested, /No errors detected/);
  for (const name of [...files, "manifest.json", "reconciliation.json"]) {
    const { stdout } = await run("unzip", ["-p", zipPath, `${top}/${name}`], {
      encoding: "buffer",
      maxBuffer: 64 * 1024 * 1024,
    });
    const inner = path.join(scratch, `inner-${name}`);
    await writeFile(inner, stdout as unknown as Buffer);
    assert.equal(
      await sha256File(inner),
      await sha256File(path.join(dir, name)),
      `${name} inside the download is byte-identical`,
    );
  }

  const one = await openExportDownload({ jobId: run2, batch: 2 });
  assert.equal(one.fileName, files[1]);
  const onePath = path.join(scratch, `one-${one.fileName}`);
  await pipeline(one.stream, createWriteStream(onePath));
  assert.deepEqual(await readFile(onePath), await readFile(path.join(dir, files[1]!)));
  assert.equal(one.size, (await readFile(onePath)).length);

  await assert.rejects(
    openExportDownload({ jobId: run2, batch: 99 }),
    (e: unknown) => e instanceof UserError && e.status === 404,
  );
  await assert.rejects(
    openExportDownload({ jobId: "00000000-0000-0000-0000-000000000000" }),
    (e: unknown) => e instanceof UserError && e.status === 404,
  );
  // A pending job (and, above, a running one) cannot be downloaded.
  const pending = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "t",
    format: "csv",
  });
  await assert.rejects(
    openExportDownload({ jobId: pending.id }),
    (e: unknown) => e instanceof UserError && e.status === 409,
  );
  await cancelJob({ jobId: pending.id });
  // A canceled job is not downloadable either.
  const canceled = await db().exportJob.findFirstOrThrow({
    where: { status: "canceled", batchesWritten: { gt: 0 } },
  });
  await assert.rejects(
    openExportDownload({ jobId: canceled.id }),
    (e: unknown) => e instanceof UserError && e.status === 409,
  );
  void run1;
});

test("two jobs over the same window started in the same minute each get their own export directory", async () => {
  // E.g. a ranged export requested twice (ranged jobs are not limited to one at a time). The
  // directory name (§2.1) is <local minute>-<start>-<end>, so the two names are equal; the second
  // job must not write into (and prune the partial files of) the first one's directory.
  const start = tieTime;
  const end = tieTime + 20_000;
  const sameMinute = () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  await setExportSettings({ BatchSize: 5 });
  const first = await runJob({ window: { start, end }, hooks: { now: sameMinute } });
  await setExportSettings({ BatchSize: 7 });
  const second = await runJob({ window: { start, end }, hooks: { now: sameMinute } });
  await setExportSettings({ BatchSize: 5 });
  assert.equal(first.status, "success");
  assert.equal(second.status, "success");
  const [a, b] = [await jobRow(first.jobId), await jobRow(second.jobId)];
  assert.notEqual(a.exportDir, b.exportDir, `both jobs write into ${a.exportDir}`);
  // The first job's download must still be exactly its own files.
  await assertJobOutput(first.jobId);
  await assertJobOutput(second.jobId);
});
