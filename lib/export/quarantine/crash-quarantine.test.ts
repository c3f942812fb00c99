// RELIABILITY.md check 12, the second half, as issue 8 §3 asks it: a post whose rendering kills the
// worker (SIGKILL, every time) is quarantined after the third death instead of blocking the stream;
// the rest of its batch and every later post are exported, the job ends `warning` naming the post.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { db } from "../../db/client.ts";
import { enqueueExportJob } from "../../jobs/enqueue-job.ts";
import {
  ExportFixture,
  FIXTURE_BASE,
  jobExportDir,
  postRows,
  readExportRows,
  setExportSettings,
} from "../../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import type { Reconciliation } from "../reconciliation/reconciliation.ts";
import { spawnExportWorker } from "../../testing/spawn-export-worker.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let fx: ExportFixture;

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 4, ExportFromTimestamp: FIXTURE_BASE - 60_000 });
  fx = new ExportFixture("crash-poison");
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

/** One worker process working the job until it ends or dies; its exit signal. */
function worker(jobId: string, crashOn: string): Promise<NodeJS.Signals | null> {
  const child = spawnExportWorker({
    db: t,
    env: {
      WORKER_ID: `poison-${Date.now()}`,
      LEASE_MS: "30000",
      JOB_ID: jobId,
      CRASH_ON_POST: crashOn,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
}

test("a post that kills its worker three times is quarantined; the job finishes with everything else", async () => {
  const posts = await fx.addPosts(10);
  const poison = posts[5]!.id; // in the second batch
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });

  const deaths: Array<NodeJS.Signals | null> = [];
  for (let i = 0; i < 6; i++) {
    const signal = await worker(job.id, poison);
    const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
    if (row.status !== "in_progress") break;
    deaths.push(signal);
    // The dead worker's lease would expire in 30 s: let the next one take over at once.
    await db().exportJob.update({
      where: { id: job.id },
      data: { leaseExpiresAt: new Date(Date.now() - 60_000) },
    });
  }
  assert.deepEqual(
    deaths,
    ["SIGKILL", "SIGKILL", "SIGKILL"],
    "three workers died on the post, then it was set aside",
  );

  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(row.status, "warning", row.error);
  const exported = postRows(await readExportRows(await jobExportDir(job.id))).map((r) => r.postId);
  assert.deepEqual(
    exported.sort(),
    posts
      .map((p) => p.id)
      .filter((id) => id !== poison)
      .sort(),
  );
  const q = await db().quarantinedPost.findMany();
  assert.deepEqual(
    q.map((x) => [x.postId, x.state, x.crashes, x.reason]),
    [[poison, "quarantined", 3, "a worker died 3 times while rendering it"]],
  );
  const r = JSON.parse(row.reconciliation) as Reconciliation;
  assert.deepEqual(r.quarantined.posts, [
    { post_id: poison, reason: "a worker died 3 times while rendering it" },
  ]);
  assert.equal(r.unaccounted, 0);
});
