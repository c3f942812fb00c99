// The change feed (issue 8 §1; RELIABILITY.md checks 7 and 8): every record that commits is exported
// by the next run of the export, whatever its own timestamps, exactly once; late arrivals go first,
// in batches of their own, and are reported; a run that continues an errored one exports exactly
// what one uninterrupted run would have. The tests share one database and run in order.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseProvider, db } from "../../db/client.ts";
import { parseDatabaseUrl } from "../../config/database-url.ts";
import { applyRecords } from "../../ingest/apply-records.ts";
import { channel, post, team, user } from "../../ingest/test-records.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { enqueueExportJob } from "../../jobs/enqueue-job.ts";
import {
  assertExactlyOnce,
  assertJobOutput,
  expectedEntries,
  ExportFixture,
  FIXTURE_BASE,
  jobExportDir,
  jobPlan,
  postRows,
  readExportRows,
  setExportSettings,
  type ExportRow,
} from "../../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runJob, type RunJobHooks } from "../../worker/run-job.ts";
import { readFeedWatermark } from "./feed-cursor.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let fx: ExportFixture;
const EXPORT_FROM = FIXTURE_BASE - 10 * 86_400_000;

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 7, ExportFromTimestamp: EXPORT_FROM });
  fx = new ExportFixture("feed");
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

async function run(hooks?: RunJobHooks | ((jobId: string) => RunJobHooks)) {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-feed", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await runJob({
    claimed,
    workerId: "w-feed",
    leaseMs: 60_000,
    hooks: typeof hooks === "function" ? hooks(job.id) : hooks,
  });
  return {
    jobId: job.id,
    status,
    row: await db().exportJob.findUniqueOrThrow({ where: { id: job.id } }),
  };
}

const rowsOf = async (jobId: string): Promise<ExportRow[]> =>
  (await db().exportJob.findUniqueOrThrow({ where: { id: jobId } })).batchesWritten === 0
    ? []
    : readExportRows(await jobExportDir(jobId));
const postRow = async (id: string) => db().post.findUniqueOrThrow({ where: { id } });

test("every write is stamped in commit order: inserts, edits, deletions, file infos (which touch their post), member history", async () => {
  const w0 = await readFeedWatermark();
  const [a, b] = await fx.addPosts(2);
  const rowA = await postRow(a!.id);
  assert.ok(rowA.seq > BigInt(w0), "a new post is stamped past the watermark");
  assert.equal(rowA.createSeq, rowA.seq);
  assert.equal(rowA.liveSeq, rowA.seq);
  assert.equal(rowA.liveUpdateAt, rowA.updateAt);

  await fx.editPost(a!.id, "edited");
  const edited = await postRow(a!.id);
  assert.ok(edited.seq > rowA.seq, "an edit is a new version");
  assert.equal(edited.createSeq, rowA.createSeq, "the first insert stays known");
  assert.equal(edited.liveSeq, edited.seq);

  await fx.deletePost(a!.id);
  const deleted = await postRow(a!.id);
  assert.ok(deleted.seq > edited.seq);
  assert.equal(deleted.liveSeq, edited.seq, "a deletion keeps the last live version's number");
  assert.equal(deleted.liveUpdateAt, edited.updateAt);

  const beforeFile = await postRow(b!.id);
  await db().fileInfo.create({ data: { id: "feed-file-1", postId: b!.id, name: "late.pdf" } });
  const file = await db().fileInfo.findUniqueOrThrow({ where: { id: "feed-file-1" } });
  const touched = await postRow(b!.id);
  assert.ok(file.seq > beforeFile.seq);
  assert.ok(
    touched.seq > beforeFile.seq,
    "a file info written after its post makes the post a new version",
  );
  assert.equal(touched.liveSeq, touched.seq);

  await db().channelMemberHistory.create({
    data: { channelId: fx.channels[0]!.id, userId: fx.users[3]!.id, joinTime: BigInt(fx.tick()) },
  });
  const history = await db().channelMemberHistory.findFirstOrThrow({ orderBy: { seq: "desc" } });
  assert.ok(history.seq > file.seq);
  assert.equal(
    BigInt(await readFeedWatermark()),
    history.seq,
    "the counter is the last number handed out",
  );
});

test("the first run exports everything the feed holds from the export-from moment; created-and-deleted posts get their created entry", async () => {
  const first = await run();
  assert.equal(first.status, "success", first.row.error);
  const out = await assertJobOutput(first.jobId);
  assertExactlyOnce(
    out.rows,
    expectedEntries(fx.takeChanges(), (await jobPlan(first.jobId)).jobStartTime),
    { label: "first run" },
  );
  assert.equal(first.row.lateArrivals, 0);
});

/** A transaction on a connection of its own (another process's, say) that inserts a post and stays open. */
async function holdOpenInsert(post: {
  id: string;
  channelId: string;
  userId: string;
  at: number;
}): Promise<{ commit: () => Promise<void> }> {
  const sql = `INSERT INTO "Post" ("id", "channelId", "userId", "createAt", "updateAt", "message") VALUES ($1, $2, $3, $4, $4, 'committed after the run read the feed')`;
  const values = [post.id, post.channelId, post.userId, post.at];
  if (databaseProvider() === "sqlite") {
    const conn = new Database((parseDatabaseUrl(t.url) as { file: string }).file, {
      timeout: 15_000,
    });
    conn.exec("BEGIN IMMEDIATE");
    conn.prepare(sql).run(Object.fromEntries(values.map((v, i) => [String(i + 1), v])));
    return { commit: async () => void (conn.exec("COMMIT"), conn.close()) };
  }
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  await client.query("BEGIN");
  await client.query(sql, values);
  return { commit: async () => void (await client.query("COMMIT"), await client.end()) };
}

test("RELIABILITY check 7: a post in an ingest transaction held open across a run is exported by the next run, once", async () => {
  await fx.addPosts(3);
  const heldAt = fx.tick(1000);
  await fx.addPosts(3);
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-feed", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const held = await holdOpenInsert({
    id: "feed-held-post",
    channelId: fx.channels[0]!.id,
    userId: fx.users[0]!.id,
    at: heldAt,
  });
  // The run plans while the transaction is open; it commits then (on SQLite the run's writes wait for it).
  const status = await runJob({
    claimed,
    workerId: "w-feed",
    leaseMs: 60_000,
    hooks: { onPlanned: () => held.commit() },
  });
  assert.equal(status, "success");
  const firstIds = postRows(await rowsOf(job.id)).map((r) => r.postId);
  assert.ok(
    !firstIds.includes("feed-held-post"),
    "not in the run whose plan was made before it committed",
  );
  assert.equal(firstIds.length, 6);

  const second = await run();
  assert.equal(second.status, "success", second.row.error);
  const secondIds = postRows(await rowsOf(second.jobId)).map((r) => r.postId);
  assert.deepEqual(secondIds, ["feed-held-post"], "exactly it, in the next run");
  assert.equal(second.row.lateArrivals, 1, "older than what the first run covered: a late arrival");
  const batches = await db().exportBatch.findMany({ where: { jobId: second.jobId } });
  assert.deepEqual(
    batches.map((b) => b.late),
    [true],
  );
  fx.takeChanges();
});

test("late arrivals go first, in their own batches; the job counts them; lateness beyond 24 h makes it a warning", async () => {
  const recent = await fx.addPosts(5);
  const lateAt = recent[0]!.updateAt - 500; // behind the next run's frontier once recent posts were exported
  const first = await run();
  assert.equal(first.status, "success");
  fx.takeChanges();

  const [late] = await fx.addPosts(1, { at: lateAt });
  const [old] = await fx.addPosts(1, { at: lateAt - 3 * 86_400_000 });
  // Created and deleted while the source lagged: the archive never saw it live, so it gets its created entry.
  const [gone] = await fx.addPosts(1, { at: lateAt - 200 });
  await fx.deletePost(gone!.id, lateAt - 100);
  const newer = await fx.addPosts(3);
  const second = await run();
  assert.equal(
    second.status,
    "warning",
    "an arrival 3 days behind the frontier is past the 24 h threshold",
  );
  assert.equal(second.row.lateArrivals, 3);
  const batches = await db().exportBatch.findMany({
    where: { jobId: second.jobId },
    orderBy: { number: "asc" },
  });
  assert.deepEqual(
    batches.map((b) => b.late),
    [true, false],
  );
  const rows = postRows(await rowsOf(second.jobId));
  const inFirst = rows.filter((r) => r.batchFile.startsWith("batch001-")).map((r) => r.postId);
  assert.deepEqual(
    inFirst,
    [old!.id, gone!.id, gone!.id, late!.id],
    "the late batch holds the late arrivals, oldest first, and nothing else",
  );
  assert.deepEqual(
    rows.filter((r) => r.postId === gone!.id).map((r) => r.updateType),
    ["", "Deleted"],
  );
  assert.deepEqual(
    rows.filter((r) => !r.batchFile.startsWith("batch001-")).map((r) => r.postId),
    newer.map((p) => p.id),
  );
  const plan = await jobPlan(second.jobId);
  assert.equal(plan.progress.late.oldest, old!.updateAt);
  fx.takeChanges();
});

test("10,000 records ingested while runs export: across the runs every post is exported exactly once", async () => {
  await applyRecords({ records: [team, channel, user] });
  const ids: string[] = [];
  const chunks: unknown[][] = [];
  const base = fx.tick(1000);
  for (let c = 0; c < 20; c++) {
    const chunk: unknown[] = [];
    for (let i = 0; i < 500; i++) {
      const n = c * 500 + i;
      const id = `bulk${String(n).padStart(6, "0")}`;
      ids.push(id);
      // Times interleave across chunks, so later chunks carry posts older than earlier ones.
      const at = base + ((n * 7919) % 10_000) * 10;
      chunk.push(post(id, { create_at: at, update_at: at, message: `bulk ${n}` }));
    }
    chunks.push(chunk);
  }
  await setExportSettings({ BatchSize: 1000, ExportFromTimestamp: EXPORT_FROM });
  const ingesting = (async () => {
    for (const chunk of chunks) {
      const result = await applyRecords({ records: chunk });
      assert.ok(result.ok, JSON.stringify(result));
    }
  })();
  const runs = [await run()];
  await ingesting;
  runs.push(await run(), await run());
  for (const r of runs)
    assert.ok(r.status === "success" || r.status === "warning", `${r.status}: ${r.row.error}`);
  const exported = new Map<string, number>();
  for (const r of runs)
    for (const row of postRows(await rowsOf(r.jobId)))
      if (row.postId.startsWith("bulk"))
        exported.set(row.postId, (exported.get(row.postId) ?? 0) + 1);
  const missing = ids.filter((id) => !exported.has(id));
  const duplicated = [...exported].filter(([, n]) => n > 1).map(([id]) => id);
  assert.deepEqual(
    {
      ingested: ids.length,
      exported: exported.size,
      missing: missing.length,
      duplicated: duplicated.length,
    },
    { ingested: 10_000, exported: 10_000, missing: 0, duplicated: 0 },
  );
  await setExportSettings({ BatchSize: 7, ExportFromTimestamp: EXPORT_FROM });
  fx.tick(200_000); // past the bulk posts' times, so the next tests' posts are not late arrivals
});

test("issue 15 §1: a run continuing after an errored one exports exactly what one uninterrupted run would have", async () => {
  const posts = await fx.addPosts(30);
  // Created before the cut, deleted after it — in the database before any run reads them.
  for (const p of posts.filter((_, i) => i % 4 === 1)) await fx.deletePost(p.id, fx.tick(1000));
  for (const p of posts.filter((_, i) => i % 5 === 2))
    await fx.editPost(p.id, `edited ${p.id}`, fx.tick(1000));
  const changes = fx.takeChanges();

  const failed = await run({
    afterBatch: (n) => {
      if (n === 2) throw new Error("the worker fell over after batch 2");
    },
  });
  assert.equal(failed.status, "error");
  assert.equal(failed.row.batchesWritten, 2);
  const continued = await run();
  assert.equal(continued.status, "success", continued.row.error);

  const union = [...(await rowsOf(failed.jobId)), ...(await rowsOf(continued.jobId))];
  // One uninterrupted run would have started where the errored one did.
  assertExactlyOnce(union, expectedEntries(changes, (await jobPlan(failed.jobId)).jobStartTime), {
    label: "errored + continuation",
  });
  const deletedCreated = postRows(union).filter(
    (r) => r.updateType === "" && changes.some((c) => c.id === r.postId && c.deleteAt > 0),
  );
  assert.equal(
    deletedCreated.length,
    posts.filter((_, i) => i % 4 === 1).length,
    "every created-then-deleted post has its created entry",
  );
});

test("an empty run changes nothing in the archive and leaves the frontier where it was", async () => {
  const before = await db().exportCursor.findUniqueOrThrow({ where: { policyId: "default" } });
  const empty = await run();
  assert.equal(empty.status, "success");
  assert.equal(empty.row.batchesWritten, 0);
  const after = await db().exportCursor.findUniqueOrThrow({ where: { policyId: "default" } });
  assert.deepEqual(JSON.parse(after.state).frontier, JSON.parse(before.state).frontier);
  assert.equal(JSON.parse(after.state).feedFrom, await readFeedWatermark());
});
