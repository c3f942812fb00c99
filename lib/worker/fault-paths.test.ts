// Issue 15 items 2 and 6–9: the job engine's fault paths. A crash is simulated in process by a
// hook that throws LeaseLostError after a batch is committed: runJob then returns without writing
// anything, exactly as a killed worker leaves the job (in progress, lease held). The next attempt
// claims with a clock past the lease. The tests share one database and run in order.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { resetEnvForTests } from "../config/env.ts";
import { databaseProvider, db, disconnectDb, type Db } from "../db/client.ts";
import { verifyExports } from "../export/manifest/verify-exports.ts";
import { sweepOrphanPartials } from "../export/sweep-orphan-partials.ts";
import { claimNextJob, type ClaimedJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { LeaseLostError } from "../jobs/lease.ts";
import { runCliInProcess } from "../cli/testing/run-cli.ts";
import {
  assertExactlyOnce,
  assertJobOutput,
  expectedEntries,
  ExportFixture,
  FIXTURE_BASE,
  jobExportDir,
  jobPlan,
  readExportRows,
  setExportSettings,
} from "../testing/export-fixtures.ts";
import { startPgProxy } from "../testing/pg-proxy.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runJob, type RunJobHooks } from "./run-job.ts";
import { spawnExportWorker } from "../testing/spawn-export-worker.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let fx: ExportFixture;
const EXPORT_FROM = FIXTURE_BASE - 10 * 86_400_000;
const WORKER = "w-fault";
const LEASE_MS = 60_000;
/** Each claim after a crash comes with a clock an hour past the previous one: every lease has expired. */
let clock = Date.now();

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 5, ExportFromTimestamp: EXPORT_FROM, ExportFormat: "csv" });
  fx = new ExportFixture("fault");
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

async function enqueue(maxAttempts = 3): Promise<string> {
  return (
    await enqueueExportJob({
      trigger: "manual",
      initiatedBy: "",
      initiatedByLabel: "test",
      format: "csv",
      maxAttempts,
    })
  ).id;
}

async function claim(jobId: string): Promise<ClaimedJob> {
  clock += 3_600_000;
  const claimed = await claimNextJob({
    workerId: WORKER,
    leaseMs: LEASE_MS,
    jobId,
    now: new Date(clock),
  });
  assert.ok(claimed, `job ${jobId} is claimable`);
  return claimed;
}

const work = (claimed: ClaimedJob, hooks?: RunJobHooks) =>
  runJob({ claimed, workerId: WORKER, leaseMs: LEASE_MS, hooks });
/** The worker dies right after committing batch n. */
const crashAfter = (n: number): RunJobHooks => ({
  afterBatch: (b) => {
    if (b === n) throw new LeaseLostError("simulated kill");
  },
});
const jobRow = (id: string) => db().exportJob.findUniqueOrThrow({ where: { id } });

test("item 2: a long job killed three times while making progress keeps going and ends success", async () => {
  await fx.addPosts(30);
  const changes = fx.takeChanges();
  const id = await enqueue(3);
  for (let k = 1; k <= 3; k++) {
    const claimed = await claim(id);
    assert.equal(claimed.attempts, k);
    assert.equal(claimed.attemptsWithoutProgress, 1, "each kill came after a new batch");
    assert.equal(await work(claimed, crashAfter(k)), "lease_lost");
  }
  const last = await claim(id);
  assert.equal(last.attempts, 4, "more claims than maxAttempts");
  assert.equal(await work(last), "success", (await jobRow(id)).error);
  const row = await jobRow(id);
  assert.equal(row.attemptsWithoutProgress, 0);
  assert.ok(row.lastProgressAt);
  const out = await assertJobOutput(id);
  assertExactlyOnce(out.rows, expectedEntries(changes, (await jobPlan(id)).jobStartTime), {
    label: "killed 3× with progress",
  });
});

test("items 2, 8, 1: claims without progress give up ('without progress'), the errored job's batches get a manifest, and the continuation exports exactly what one run would", async () => {
  const posts = await fx.addPosts(20);
  // Created before the cut and deleted after it: their "created" rows must not be lost.
  for (const p of posts.filter((_, i) => i % 3 === 1)) await fx.deletePost(p.id, fx.tick(1000));
  const changes = fx.takeChanges();
  const id = await enqueue(3);
  assert.equal(await work(await claim(id), crashAfter(1)), "lease_lost");
  for (let k = 0; k < 3; k++) await claim(id); // started three times, killed before writing anything
  const gaveUp = await claim(id);
  assert.equal(gaveUp.attemptsWithoutProgress, 4);
  assert.equal(await work(gaveUp), "error");
  const failed = await jobRow(id);
  assert.match(failed.error, /^Gave up after 3 attempts without progress/);
  assert.equal(failed.batchesWritten, 1);
  const dir = await jobExportDir(id);
  assert.ok(
    (await readdir(dir)).includes("manifest.json"),
    "the errored job's batches are in the manifest chain",
  );

  const next = await enqueue();
  assert.equal(await work(await claim(next)), "success", (await jobRow(next)).error);
  const union = [
    ...(await readExportRows(dir)),
    ...(await readExportRows(await jobExportDir(next))),
  ];
  assertExactlyOnce(union, expectedEntries(changes, (await jobPlan(id)).jobStartTime), {
    label: "gave up + continuation",
  });
  assert.deepEqual((await verifyExports()).problems, []);
});

/** A worker process on the job, SIGKILLed after its first committed batch (`at: "batch"`) or right after its claim (`at: "claim"`, nothing written). */
async function killWorker(jobId: string, at: "batch" | "claim"): Promise<void> {
  await db().exportJob.updateMany({
    where: { id: jobId, status: "in_progress" },
    data: { leaseExpiresAt: new Date(Date.now() - 1000) },
  });
  const child = spawnExportWorker({
    db: t,
    env: {
      WORKER_ID: "w-child",
      JOB_ID: jobId,
      SLOW_MS: "60000",
      STALL_AFTER_CLAIM: at === "claim" ? "1" : "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.includes(at === "claim" ? '"event":"claimed"' : '"event":"batch"'))
      child.kill("SIGKILL");
  });
  const [, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, "SIGKILL");
  await db().exportJob.updateMany({
    where: { id: jobId, status: "in_progress" },
    data: { leaseExpiresAt: new Date(Date.now() - 1000) },
  });
}

test("item 1: a worker SIGKILLed after a batch, then three times before writing anything: the job ends error, and the continuation exports exactly what one run would", async () => {
  const posts = await fx.addPosts(20);
  for (const p of posts.filter((_, i) => i % 3 === 2)) await fx.deletePost(p.id, fx.tick(1000));
  const changes = fx.takeChanges();
  const id = await enqueue(3);
  await killWorker(id, "batch");
  for (let k = 0; k < 3; k++) await killWorker(id, "claim");
  assert.equal(await work(await claim(id)), "error");
  const failed = await jobRow(id);
  assert.match(failed.error, /^Gave up after 3 attempts without progress/);
  assert.equal(failed.attempts, 5);
  assert.ok(failed.batchesWritten >= 1);
  const next = await enqueue();
  assert.equal(await work(await claim(next)), "success", (await jobRow(next)).error);
  const union = [
    ...(await readExportRows(await jobExportDir(id))),
    ...(await readExportRows(await jobExportDir(next))),
  ];
  assertExactlyOnce(union, expectedEntries(changes, (await jobPlan(id)).jobStartTime), {
    label: "killed 4× + continuation",
  });
});

test("items 8 and 9: an errored job leaves no .partial, and verify catches a flipped byte or a deleted batch in its files", async () => {
  await fx.addPosts(15);
  fx.takeChanges();
  const id = await enqueue();
  const status = await work(await claim(id), {
    afterBatch: async (n) => {
      if (n !== 2) return;
      // What a worker killed mid-write of batch 3 leaves behind.
      await writeFile(
        path.join(await jobExportDir(id), ".batch003-1-2.zip.abcd1234.partial"),
        "half a zip",
      );
      throw new Error("the export store went away");
    },
  });
  assert.equal(status, "error");
  const dir = await jobExportDir(id);
  const names = await readdir(dir);
  assert.deepEqual(
    names.filter((n) => n.endsWith(".partial")),
    [],
    "no orphan .partial",
  );
  assert.ok(names.includes("manifest.json"));
  assert.deepEqual((await verifyExports()).problems, []);

  const batch1 = names.find((n) => n.startsWith("batch001-"))!;
  const original = await readFile(path.join(dir, batch1));
  const flipped = Buffer.from(original);
  flipped[100] = flipped[100]! ^ 0xff;
  await writeFile(path.join(dir, batch1), flipped);
  const exportDir = (await jobRow(id)).exportDir;
  assert.ok((await verifyExports()).problems.includes(`hash mismatch ${exportDir}/${batch1}`));
  const cli = await runCliInProcess(["verify"]);
  assert.equal(cli.code, 1, cli.stdout);
  assert.match(cli.stdout, new RegExp(`hash mismatch ${exportDir}/${batch1}`));
  await writeFile(path.join(dir, batch1), original);

  const batch2 = names.find((n) => n.startsWith("batch002-"))!;
  const second = await readFile(path.join(dir, batch2));
  await rm(path.join(dir, batch2));
  assert.ok((await verifyExports()).problems.includes(`missing ${exportDir}/${batch2}`));
  await writeFile(path.join(dir, batch2), second);
  assert.deepEqual((await verifyExports()).problems, []);

  // The maintenance sweep cleans a partial left in the directory of any finished job.
  await writeFile(path.join(dir, ".batch003-9-9.zip.feedbeef.partial"), "left by a crash");
  assert.ok((await sweepOrphanPartials()) >= 1);
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.endsWith(".partial")),
    [],
  );
  // The rest for the next tests.
  assert.equal(await work(await claim(await enqueue())), "success");
});

test("item 7: the manifest is written before success; when it cannot be, the job is not success and its resume writes it", async () => {
  await fx.addPosts(7);
  fx.takeChanges();
  const id = await enqueue();
  let blocked = "";
  const status = await work(await claim(id), {
    onPlanned: async (plan) => {
      blocked = path.join(t.dataDir, "exports", plan.exportDir, "manifest.json");
      await mkdir(blocked, { recursive: true });
      await writeFile(path.join(blocked, "in-the-way"), "x");
    },
  });
  assert.ok(
    blocked.startsWith(path.dirname(await jobExportDir(id))),
    `the export store is ${path.dirname(await jobExportDir(id))}`,
  );
  assert.equal(status, "retry");
  const deferred = await jobRow(id);
  assert.equal(deferred.status, "in_progress", "not success without its manifest");
  assert.match(deferred.error, /manifest is not/);
  assert.doesNotMatch(deferred.error, /\/[\w-]+\/[\w-]+\.ts/, "no source path in the stored error");
  await rm(blocked, { recursive: true });
  assert.equal(await work(await claim(id)), "success", (await jobRow(id)).error);
  assert.equal((await jobRow(id)).error, "");
  assert.deepEqual((await verifyExports()).problems, []);
});

test("item 7: verify --repair writes the manifest an old export lacks when its batches are intact, and re-links the next one", async () => {
  await fx.addPosts(6);
  fx.takeChanges();
  const a = await enqueue();
  assert.equal(await work(await claim(a)), "success");
  await fx.addPosts(6);
  fx.takeChanges();
  const b = await enqueue();
  assert.equal(await work(await claim(b)), "success");
  // As an older version left it: a crash between "success" and the manifest of job a.
  await rm(path.join(await jobExportDir(a), "manifest.json"));
  const dirA = (await jobRow(a)).exportDir;
  assert.ok((await verifyExports()).problems.includes(`manifest missing ${dirA}`));
  const repaired = await runCliInProcess(["verify", "--repair"]);
  assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
  assert.match(repaired.stdout, new RegExp(`repaired manifest ${dirA}`));
  assert.deepEqual((await verifyExports()).problems, []);
  const audits = await db().auditRecord.findMany({ where: { eventName: "repairExportManifest" } });
  assert.ok(audits.length >= 1, "the repair is audited");
});

/** Makes the next `exportJob.findUniqueOrThrow` (the check before each batch) throw `error`, once. */
function failNextJobRead(error: Error): () => void {
  const g = globalThis as unknown as { custodianDb?: { url: string; client: Db } };
  const original = g.custodianDb!;
  let armed = true;
  const client = original.client.$extends({
    query: {
      exportJob: {
        async findUniqueOrThrow({ args, query }) {
          if (armed) {
            armed = false;
            throw error;
          }
          return query(args);
        },
      },
    },
  }) as unknown as Db;
  g.custodianDb = { url: original.url, client };
  return () => {
    g.custodianDb = original;
  };
}

test("item 6: a dropped connection (P1017) mid-export is retried: the job is handed back and resumes to exactly once", async () => {
  await fx.addPosts(15);
  const changes = fx.takeChanges();
  const id = await enqueue();
  let restore = () => {};
  const status = await work(await claim(id), {
    afterBatch: (n) => {
      if (n === 1)
        restore = failNextJobRead(
          Object.assign(new Error("Server has closed the connection."), {
            name: "PrismaClientKnownRequestError",
            code: "P1017",
          }),
        );
    },
  });
  restore();
  assert.equal(status, "retry");
  const deferred = await jobRow(id);
  assert.equal(deferred.status, "in_progress");
  assert.equal(deferred.leaseOwner, null, "the lease is released");
  assert.match(deferred.error, /database connection failed; resuming/);
  assert.equal(await work(await claim(id)), "success", (await jobRow(id)).error);
  const out = await assertJobOutput(id);
  assertExactlyOnce(out.rows, expectedEntries(changes, (await jobPlan(id)).jobStartTime), {
    label: "after a dropped connection",
  });
});

test("item 6: a permanent database error fails the job with an admin-readable text: no source path, no code line", async () => {
  await fx.addPosts(3);
  fx.takeChanges();
  const id = await enqueue();
  const prismaMessage = [
    "",
    "Invalid `prisma.exportJob.findUniqueOrThrow()` invocation in",
    "/work/custodian/lib/worker/run-job.ts:88:37",
    "",
    "  85   checkpoint: async () => {",
    "→ 88     const current = await db().exportJob.findUniqueOrThrow({",
    "The column `ExportJob.someColumn` does not exist in the current database.",
  ].join("\n");
  let restore = () => {};
  const status = await work(await claim(id), {
    onPlanned: () => {
      restore = failNextJobRead(
        Object.assign(new Error(prismaMessage), {
          name: "PrismaClientKnownRequestError",
          code: "P2022",
        }),
      );
    },
  });
  restore();
  assert.equal(status, "error");
  const row = await jobRow(id);
  assert.doesNotMatch(row.error, /\.ts|→|findUniqueOrThrow\(\{|\/work\//, row.error);
  assert.match(row.error, /P2022/);
  assert.match(row.error, /does not exist in the current database/);
  assert.equal(await work(await claim(await enqueue())), "success");
});

test("item 6: the database connection drops mid-export (PostgreSQL: every connection cut by a TCP proxy; SQLite: SQLITE_BUSY) — retried, resumed, exactly once", async () => {
  await fx.addPosts(15);
  const changes = fx.takeChanges();
  const id = await enqueue();
  let status: string;
  if (databaseProvider() === "postgresql") {
    const proxy = await startPgProxy(new URL(t.url));
    process.env.DATABASE_URL = proxy.url;
    resetEnvForTests();
    await disconnectDb();
    try {
      status = await work(await claim(id), {
        afterBatch: (n) => {
          if (n === 1) proxy.cut(true);
        },
      });
    } finally {
      proxy.cut(false);
      await disconnectDb();
      process.env.DATABASE_URL = t.url;
      resetEnvForTests();
      await proxy.close();
    }
  } else {
    let restore = () => {};
    status = await work(await claim(id), {
      afterBatch: (n) => {
        if (n === 1)
          restore = failNextJobRead(
            Object.assign(new Error("SqliteError: database is locked"), { code: "SQLITE_BUSY" }),
          );
      },
    });
    restore();
  }
  assert.equal(status, "retry", (await jobRow(id)).error);
  const row = await jobRow(id);
  assert.equal(row.status, "in_progress");
  assert.equal(row.batchesWritten, 1);
  assert.equal(await work(await claim(id)), "success", (await jobRow(id)).error);
  const out = await assertJobOutput(id);
  assertExactlyOnce(out.rows, expectedEntries(changes, (await jobPlan(id)).jobStartTime), {
    label: "after the connection dropped",
  });
});
