// The reconciliation of a run and the continuity of runs (issue 8 §4): reconciliation.json beside
// the batches, valid against docs/reconciliation.schema.json, kept on the job and printed by
// `jobs show`; attachments checked against the SHA-256 stored at ingest; the manifest lists each
// attachment's hash; `verify` names the runs that break the chain of feed ranges.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { runCliInProcess } from "../../cli/testing/run-cli.ts";
import { db } from "../../db/client.ts";
import { writeFileBytes } from "../../ingest/file-store.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { enqueueExportJob } from "../../jobs/enqueue-job.ts";
import { readJobDetail } from "../../job-detail/read-job-detail.ts";
import {
  ExportFixture,
  FIXTURE_BASE,
  jobExportDir,
  listBatchFiles,
  setExportSettings,
  unzipEntry,
} from "../../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runJob } from "../../worker/run-job.ts";
import { verifyExports } from "../manifest/verify-exports.ts";
import { buildReconciliation, type Reconciliation } from "./reconciliation.ts";
import { emptyTally } from "./tally.ts";
import { parseExportPlan } from "../plan/export-plan.ts";

process.env.LOG_LEVEL = "silent";
const schema = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../../docs/reconciliation.schema.json"), "utf8"),
);
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
let t: TestDatabase;
let fx: ExportFixture;
const runs: Array<{ id: string; status: string }> = [];

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({
    BatchSize: 4,
    ExportAttachments: true,
    ExportFromTimestamp: FIXTURE_BASE - 60_000,
  });
  fx = new ExportFixture("recon");
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

async function run(): Promise<{ id: string; status: string }> {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-recon", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await runJob({ claimed, workerId: "w-recon", leaseMs: 60_000 });
  runs.push({ id: job.id, status });
  return { id: job.id, status };
}

/** Attaches a file to a post: its bytes stored as ingest stores them, its FileInfo claiming `claimedSha` (default: the true one). */
async function attach(postId: string, fileId: string, bytes: string | null, claimedSha?: string) {
  const stored =
    bytes === null
      ? null
      : await writeFileBytes({ fileId, source: Readable.from([Buffer.from(bytes)]) });
  const post = fx.posts.get(postId)!;
  await db().fileInfo.create({
    data: {
      id: fileId,
      postId,
      channelId: post.channelId,
      creatorId: post.userId,
      name: `${fileId}.txt`,
      path: `data/${fileId}.txt`,
      size: BigInt(bytes?.length ?? 0),
      createAt: BigInt(post.createAt),
      storeKey: stored?.storeKey ?? "",
      sha256: claimedSha ?? stored?.sha256 ?? "",
    },
  });
  await db().post.update({ where: { id: postId }, data: { fileIds: JSON.stringify([fileId]) } });
}

test("a run's reconciliation: beside its batches, valid, on the job; counts by type; attachments checked against the hash stored at ingest", async () => {
  const posts = await fx.addPosts(6);
  await fx.editPost(posts[0]!.id, "edited");
  await fx.deletePost(posts[1]!.id);
  await attach(posts[2]!.id, "recon-file-good", "good bytes\n");
  await attach(posts[3]!.id, "recon-file-missing", null);
  await attach(posts[4]!.id, "recon-file-changed", "bytes as stored\n", "0".repeat(64));

  const first = await run();
  assert.equal(first.status, "warning", "a missing file and a hash mismatch are warnings");
  const dir = await jobExportDir(first.id);
  const file = JSON.parse(
    await readFile(path.join(dir, "reconciliation.json"), "utf8"),
  ) as Reconciliation;
  assert.ok(validate(file), JSON.stringify(validate.errors));
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: first.id } });
  assert.deepEqual(JSON.parse(row.reconciliation), file, "the job keeps what the file holds");
  const plan = parseExportPlan(row.plan);
  assert.ok(plan.selection.kind === "feed");
  assert.deepEqual(file.feed, { from: plan.selection.feedFrom, to: plan.selection.feedTo });
  assert.deepEqual(file.time, { start: plan.jobStartTime, end: plan.jobEndTime });
  assert.deepEqual(file.source, {
    posts: 5,
    edited_originals: 1,
    deleted_posts: 1,
    file_infos: 3,
    total: 7,
  });
  assert.deepEqual(file.exported.entries, {
    Created: 5,
    Deleted: 1,
    EditedNewMsg: 1,
    EditedOriginalMsg: 1,
  });
  assert.equal(file.exported.posts, 7);
  assert.equal(file.exported.batches, row.batchesWritten);
  assert.deepEqual(file.attachments, { exported: 2, missing: 1, hash_mismatched: 1 });
  assert.deepEqual(file.quarantined, { count: 0, posts: [] });
  assert.equal(file.global_relay, null);
  assert.equal(file.unaccounted, 0);

  const warnings = [];
  for (const name of await listBatchFiles(dir))
    warnings.push(
      (await unzipEntry(path.join(dir, name), "warning.txt").catch(() => Buffer.from(""))).toString(
        "utf8",
      ),
    );
  const text = warnings.join("");
  assert.match(
    text,
    new RegExp(
      `Warning:Attachment hash mismatch - Post: ${posts[4]!.id} - File: recon-file-changed - data/recon-file-changed.txt - sha256 at ingest 0{64}, exported [0-9a-f]{64}\\n`,
    ),
  );
  assert.doesNotMatch(text, /recon-file-good/);

  const manifest = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")) as {
    attachments: Array<{ file_id: string; sha256: string }>;
  };
  const good = manifest.attachments.find((a) => a.file_id === "recon-file-good");
  assert.equal(
    good?.sha256,
    (await db().fileInfo.findUniqueOrThrow({ where: { id: "recon-file-good" } })).sha256,
    "the manifest lists each attachment's hash",
  );
  assert.deepEqual(manifest.attachments.map((a) => a.file_id).sort(), [
    "recon-file-changed",
    "recon-file-good",
  ]);

  const detail = await readJobDetail({ jobId: first.id });
  assert.deepEqual(detail!.reconciliation, file);
  const shown = await runCliInProcess(["jobs", "show", first.id]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^reconciliation$/m);
  assert.match(shown.stdout, /"unaccounted": 0/);
  assert.match(shown.stdout, /"hash_mismatched": 1/);
});

test("continuity: each run starts in the feed where the one before ended; verify names a run that leaves a gap or overlaps", async () => {
  await fx.addPosts(3);
  const second = await run();
  assert.equal(second.status, "success");
  await run(); // nothing new: an empty run still continues the chain
  const ok = await verifyExports();
  assert.deepEqual(ok.problems, []);
  const [a, b, c] = await Promise.all(
    runs.map((r) => db().exportJob.findUniqueOrThrow({ where: { id: r.id } })),
  );
  const ra = JSON.parse(a!.reconciliation) as Reconciliation;
  const rb = JSON.parse(b!.reconciliation) as Reconciliation;
  const rc = JSON.parse(c!.reconciliation) as Reconciliation;
  assert.equal(rb.feed.from, ra.feed.to);
  assert.equal(rc.feed.from, rb.feed.to);
  assert.ok(rb.feed.to > rb.feed.from!);

  // The second run's recorded start moved past where the first ended: a gap.
  await db().exportJob.update({
    where: { id: b!.id },
    data: {
      reconciliation: JSON.stringify({ ...rb, feed: { from: ra.feed.to + 1, to: rb.feed.to } }),
    },
  });
  const gap = await verifyExports();
  assert.deepEqual(
    gap.problems.filter((p) => p.startsWith("continuity")),
    [
      `continuity gap ${b!.exportDir}: feed positions (${ra.feed.to}, ${ra.feed.to + 1}] were exported by no run between ${a!.exportDir} and ${b!.exportDir}`,
    ],
  );
  // …and before it: an overlap.
  await db().exportJob.update({
    where: { id: b!.id },
    data: {
      reconciliation: JSON.stringify({ ...rb, feed: { from: ra.feed.to - 1, to: rb.feed.to } }),
    },
  });
  const overlap = await verifyExports();
  assert.deepEqual(
    overlap.problems.filter((p) => p.startsWith("continuity")),
    [
      `continuity overlap ${b!.exportDir}: feed positions (${ra.feed.to - 1}, ${ra.feed.to}] were also exported by ${a!.exportDir}`,
    ],
  );
  const cli = await runCliInProcess(["verify"]);
  assert.equal(cli.code, 1);
  assert.match(cli.stdout, /continuity overlap/);
  await db().exportJob.update({
    where: { id: b!.id },
    data: { reconciliation: b!.reconciliation },
  });
  assert.deepEqual((await verifyExports()).problems, []);
});

test("unaccounted counts every selected row that was neither exported, quarantined nor refused", async () => {
  const plan = parseExportPlan(
    (await db().exportJob.findUniqueOrThrow({ where: { id: runs[0]!.id } })).plan,
  );
  const tally = {
    ...emptyTally(),
    selected: { posts: 10, editedOriginals: 1, deleted: 1, fileInfos: 0 },
    exportedPosts: 8,
    quarantined: 1,
    emails: { built: 3, delivered: 2, resent: 0, failed: 1, failedPosts: 2 },
  };
  const r = buildReconciliation({
    jobId: "j",
    format: "globalrelay",
    plan: { ...plan, progress: { ...plan.progress, tally } },
    mailbox: true,
    quarantined: [{ postId: "p", reason: "unsafe" }],
  });
  assert.equal(r.unaccounted, 12 - 8 - 1 - 2);
  assert.ok(validate(r), JSON.stringify(validate.errors));
  assert.deepEqual(r.global_relay, {
    emails_built: 3,
    delivered: 2,
    resent_after_lost_reply: 0,
    failed: 1,
    failed_posts: 2,
  });
  assert.equal(
    validate({ ...r, unaccounted: undefined }),
    false,
    "the schema requires unaccounted",
  );
});
