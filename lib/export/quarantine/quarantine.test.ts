// Poison records never block the stream (issue 8 §3; RELIABILITY.md check 12): a post that cannot
// be rendered — an unsafe file path stored around ingest's checks, a renderer that throws on it —
// is quarantined: the rest of its batch is exported, the job ends `warning`, warning.txt, the job
// detail and the reconciliation name it, the next run goes on, and `export --only-quarantined`
// exports it once fixed.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { runCliInProcess } from "../../cli/testing/run-cli.ts";
import { db } from "../../db/client.ts";
import { readJobDetail } from "../../job-detail/read-job-detail.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { enqueueExportJob } from "../../jobs/enqueue-job.ts";
import {
  ExportFixture,
  FIXTURE_BASE,
  jobExportDir,
  listBatchFiles,
  postRows,
  readExportRows,
  setExportSettings,
  unzipEntry,
} from "../../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runJob, type RunJobHooks } from "../../worker/run-job.ts";
import type { FormatWriter } from "../model.ts";
import type { Reconciliation } from "../reconciliation/reconciliation.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let fx: ExportFixture;
let unsafe = "";
let throwing = "";
let brokenRenderer = true;

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({
    BatchSize: 50,
    ExportAttachments: false,
    ExportFromTimestamp: FIXTURE_BASE - 60_000,
  });
  fx = new ExportFixture("poison");
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

/** A renderer that throws whenever the batch holds the poison post (until "fixed"). */
const poisonWriter =
  (writer: FormatWriter): FormatWriter =>
  async (options) => {
    if (brokenRenderer && options.batch.posts.some((p) => p.id === throwing))
      throw new TypeError("Cannot read properties of undefined (reading 'props')");
    return writer(options);
  };

async function run(hooks: RunJobHooks = { wrapWriter: poisonWriter }) {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-poison", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await runJob({ claimed, workerId: "w-poison", leaseMs: 60_000, hooks });
  return {
    id: job.id,
    status,
    row: await db().exportJob.findUniqueOrThrow({ where: { id: job.id } }),
  };
}

async function warningText(jobId: string): Promise<string> {
  const dir = await jobExportDir(jobId);
  let text = "";
  for (const name of await listBatchFiles(dir))
    text += (
      await unzipEntry(path.join(dir, name), "warning.txt").catch(() => Buffer.from(""))
    ).toString("utf8");
  return text;
}

test("an unsafe file path and a renderer that throws: both posts quarantined, the rest of the batch exported, the job ends warning", async () => {
  const posts = await fx.addPosts(6);
  unsafe = posts[1]!.id;
  throwing = posts[3]!.id;
  // Stored around ingest (a row from before its checks): a path that would escape the zip.
  await db().fileInfo.create({
    data: { id: "poison-file", postId: unsafe, name: "passwd", path: "../../etc/passwd" },
  });
  await db().post.update({
    where: { id: unsafe },
    data: { fileIds: JSON.stringify(["poison-file"]) },
  });

  const first = await run();
  assert.equal(first.status, "warning");
  const exported = postRows(await readExportRows(await jobExportDir(first.id))).map(
    (r) => r.postId,
  );
  assert.deepEqual(
    exported.sort(),
    posts
      .map((p) => p.id)
      .filter((id) => id !== unsafe && id !== throwing)
      .sort(),
    "every other post of the batch went out",
  );

  const text = await warningText(first.id);
  assert.match(
    text,
    new RegExp(
      `Warning:Quarantined - Post: ${unsafe} - unsafe file path of file poison-file: .*"\\.\\." segments`,
    ),
  );
  assert.match(
    text,
    new RegExp(
      `Warning:Quarantined - Post: ${throwing} - rendering failed: Cannot read properties of undefined \\(reading 'props'\\)`,
    ),
  );
  assert.equal(first.row.warningCount, 2);

  const detail = await readJobDetail({ jobId: first.id });
  assert.deepEqual(detail!.quarantined.map((q) => q.postId).sort(), [unsafe, throwing].sort());
  const r = JSON.parse(first.row.reconciliation) as Reconciliation;
  assert.equal(r.quarantined.count, 2);
  assert.equal(r.source.total, 6);
  assert.equal(r.exported.posts, 4);
  assert.equal(r.unaccounted, 0);

  // The stream goes on: the next run exports what came after and does not stop at the poison.
  const [later] = await fx.addPosts(1);
  const second = await run();
  assert.equal(second.status, "success");
  assert.deepEqual(
    postRows(await readExportRows(await jobExportDir(second.id))).map((x) => x.postId),
    [later!.id],
  );
});

test("export --only-quarantined exports the fixed posts again and releases them; with none left it refuses", async () => {
  await db().fileInfo.update({ where: { id: "poison-file" }, data: { path: "data/passwd.txt" } });
  brokenRenderer = false;
  const again = await runCliInProcess(["export", "--only-quarantined", "--wait"]);
  assert.equal(again.code, 0, again.stderr);
  const jobId = again.stdout.trim().split("\n")[0]!;
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: jobId } });
  assert.equal(job.status, "success");
  assert.equal(job.movesCursor, false, "it leaves the daily cursor alone");
  const all = await readExportRows(await jobExportDir(jobId));
  assert.deepEqual(
    postRows(all)
      .map((x) => x.postId)
      .sort(),
    [unsafe, throwing].sort(),
    JSON.stringify(all),
  );
  const rows = await db().quarantinedPost.findMany({ orderBy: { postId: "asc" } });
  assert.deepEqual(
    rows.map((q) => [q.state, q.releasedByJobId]),
    [
      ["released", jobId],
      ["released", jobId],
    ],
  );
  assert.equal((JSON.parse(job.reconciliation) as Reconciliation).selection.kind, "posts");

  const none = await runCliInProcess(["export", "--only-quarantined"]);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /No post is in quarantine/);
  const mixed = await runCliInProcess([
    "export",
    "--only-quarantined",
    "--start",
    String(FIXTURE_BASE),
    "--end",
    String(FIXTURE_BASE + 1000),
  ]);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /takes no time range/);
});

test("a failure of the store, not of a post, quarantines nothing: the job fails as before", async () => {
  await fx.addPosts(2);
  const failing: RunJobHooks = {
    wrapWriter: () => async () => {
      throw Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" });
    },
  };
  const failed = await run(failing);
  assert.equal(failed.status, "error");
  assert.match(failed.row.error, /EIO/);
  assert.equal(await db().quarantinedPost.count({ where: { state: "quarantined" } }), 0);
});
