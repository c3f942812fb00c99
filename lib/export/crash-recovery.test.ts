// Workers in real child processes: a zombie (SIGSTOP past its lease, SIGCONT after a takeover),
// kill -9 mid-export and a takeover, and two workers racing for one job (RELIABILITY.md checks 1–4).
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readdir } from "node:fs/promises";
import { promisify } from "node:util";
import { execFile } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import {
  allNames,
  assertExactlyOnce,
  assertJobOutput,
  expectedEntries,
  ExportFixture,
  jobExportDir,
  setExportSettings,
  sha256File,
  unzipEntry,
  zipEntries,
  jobPlan,
} from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { spawnExportWorker } from "../testing/spawn-export-worker.ts";

process.env.LOG_LEVEL = "silent";
const run = promisify(execFile);

let t: TestDatabase;
let fx: ExportFixture;
const children = new Set<ChildProcess>();

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 5 });
  fx = new ExportFixture("crash-recovery");
  await fx.insertWorkspace();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await t.cleanup();
});

type ChildEvent = {
  event: string;
  jobId?: string;
  epoch?: number;
  attempts?: number;
  n?: number;
  status?: string;
  message?: string;
  at?: number;
};

/** A worker child: its JSON events as they arrive, and its exit. */
class WorkerChild {
  readonly events: ChildEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = "";
  private waiters: Array<() => void> = [];
  readonly proc: ChildProcess;

  constructor(
    readonly name: string,
    extraEnv: Record<string, string>,
  ) {
    this.proc = spawnExportWorker({
      db: t,
      env: { WORKER_ID: name, ...extraEnv },
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.add(this.proc);
    createInterface({ input: this.proc.stdout! }).on("line", (line) => {
      try {
        const e = JSON.parse(line) as ChildEvent;
        if (typeof e.event === "string") this.events.push(e);
      } catch {
        // not an event line
      }
      this.wake();
    });
    this.proc.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.proc.once("exit", (code, signal) => {
        this.wake();
        resolve({ code, signal });
      }),
    );
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  describe(): string {
    return `${this.name}: events ${JSON.stringify(this.events)}; stderr ${this.stderr.slice(-2000)}`;
  }

  /** Resolves with the first event matching `pred` (fails on exit or after `timeoutMs`). */
  async waitFor(pred: (e: ChildEvent) => boolean, timeoutMs = 30_000): Promise<ChildEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (this.proc.exitCode !== null || this.proc.signalCode !== null)
        assert.fail(`${this.name} exited before the awaited event. ${this.describe()}`);
      if (Date.now() > deadline) assert.fail(`timeout waiting for an event of ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async finish(timeoutMs = 45_000): Promise<void> {
    const r = await Promise.race([
      this.exited,
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref()),
    ]);
    if (r === "timeout") {
      this.proc.kill("SIGKILL");
      assert.fail(`${this.name} did not exit in time. ${this.describe()}`);
    }
    assert.equal(r.code, 0, `${this.name} exit code. ${this.describe()}`);
    assert.ok(
      !this.events.some((e) => e.event === "error"),
      `${this.name} reported an error. ${this.describe()}`,
    );
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.proc.kill(signal);
    if (signal === "SIGKILL") await this.exited;
  }
}

/** Where two texts first differ, with a little context of each. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return `at char ${i}: resumed ${JSON.stringify(a.slice(from, i + 60))} vs clean ${JSON.stringify(b.slice(from, i + 60))}`;
}

/** The `zipinfo -v` lines that differ between two zips (entry headers: times, sizes, CRCs, …). */
async function zipHeaderDifference(a: string, b: string): Promise<string> {
  const info = async (f: string) =>
    (await run("zipinfo", ["-v", f], { maxBuffer: 16 * 1024 * 1024 })).stdout
      .split("\n")
      .filter((l) => !l.includes(path.basename(path.dirname(f))) && !/^Archive:/.test(l));
  const [x, y] = [await info(a), await info(b)];
  const out: string[] = [];
  for (let i = 0; i < Math.max(x.length, y.length) && out.length < 6; i++)
    if (x[i] !== y[i]) out.push(`${(x[i] ?? "").trim()} | clean: ${(y[i] ?? "").trim()}`);
  if (out.length) return out.join(" / ");
  const cmp = await run("cmp", ["-l", a, b]).then(
    () => "",
    (e: { stdout?: string }) => e.stdout ?? "",
  );
  const lines = cmp.split("\n").filter(Boolean);
  return `zipinfo shows no difference; ${lines.length} bytes differ, first at offsets ${lines
    .slice(0, 8)
    .map((l) => l.trim().split(/\s+/)[0])
    .join(",")}`;
}

const jobRow = (id: string) => db().exportJob.findUniqueOrThrow({ where: { id } });
const enqueue = () =>
  enqueueExportJob({
    trigger: "scheduled",
    initiatedBy: "",
    initiatedByLabel: "scheduler",
    format: "csv",
  });
const backdateLease = (id: string) =>
  db().exportJob.update({ where: { id }, data: { leaseExpiresAt: new Date(Date.now() - 60_000) } });

/** Some new posts, edits and deletes: the changes the next cursor job must export. */
async function addChanges(count: number): Promise<void> {
  const posts = await fx.addPosts(count - 6);
  const tie = fx.tick(1000);
  await fx.addPosts(6, { at: tie }); // a tie that straddles a batch edge (batch size 5)
  await fx.editPost(posts[1]!.id, "edited before the export");
  await fx.deletePost(posts[2]!.id);
}

async function exportDirs(): Promise<string[]> {
  return (await readdir(env().exportDir).catch(() => [] as string[]))
    .filter((n) => n.startsWith("compliance-export-"))
    .sort();
}

async function updateJobStatusAudits(jobId: string) {
  return (
    await db().auditRecord.findMany({
      where: { eventName: "updateJobStatus" },
      orderBy: { id: "asc" },
    })
  )
    .map(
      (r) =>
        JSON.parse(r.json) as {
          event: {
            parameters: { job_id: string; attempt: number };
            prior_state: { status: string };
            resulting_state: { status: string };
          };
        },
    )
    .filter((r) => r.event.parameters.job_id === jobId)
    .map((r) => `${r.event.prior_state.status}->${r.event.resulting_state.status}`);
}

/** Starts a takeover worker now, held at its start barrier, so its start-up overlaps the test's wait. */
const standby = (name: string, extraEnv: Record<string, string> = {}) =>
  new WorkerChild(name, { LEASE_MS: "30000", WAIT_FOR_GO: "1", ...extraEnv });
const go = async (w: WorkerChild) => {
  await w.waitFor((e) => e.event === "ready");
  w.proc.stdin!.write("go\n");
};

let zombieJob = "";

// Runs first, on a fresh cursor (job start = ExportFromTimestamp, start id ""), so that a ranged
// job over the same window is a faithful clean reference run (next test).
test("zombie fencing: A stopped past its lease, B takes over and finishes, A resumed is fenced and stops without touching anything", async () => {
  await addChanges(32);
  const job = await enqueue();
  zombieJob = job.id;
  // A sleeps 3 s after each batch from batch 2 on: it is stopped in that sleep, and resumes from it
  // (its timers are overdue by then) straight into its next batch.
  const a = new WorkerChild("zombie-A", {
    LEASE_MS: "1500",
    SLOW_MS: "3000",
    SLOW_FROM_BATCH: "2",
  });
  const b = standby("zombie-B");
  await a.waitFor((e) => e.event === "batch" && (e.n ?? 0) >= 2);
  await a.kill("SIGSTOP");
  const batchesOfA = a.events.filter((e) => e.event === "batch").length;
  assert.equal(a.events.find((e) => e.event === "claimed")?.epoch, 1);
  // Until A's lease has run out (its own TTL, not backdated), nobody may take the job.
  const expiry = (await jobRow(job.id)).leaseExpiresAt!.getTime();
  assert.equal(
    await claimNextJob({
      workerId: "probe",
      leaseMs: 1500,
      jobId: job.id,
      now: new Date(expiry - 1),
    }),
    null,
  );
  while ((await jobRow(job.id)).leaseExpiresAt!.getTime() >= Date.now() - 50)
    await new Promise((r) => setTimeout(r, 100));
  await go(b);
  await b.finish();
  const claimedB = b.events.find((e) => e.event === "claimed");
  assert.ok(claimedB, b.describe());
  assert.equal(claimedB.epoch, 2);
  assert.equal(claimedB.attempts, 2);
  assert.equal(b.events.find((e) => e.event === "finished")?.status, "success", b.describe());

  // Snapshot, then let the zombie run again.
  const rowBefore = await jobRow(job.id);
  const batchesBefore = await db().exportBatch.findMany({
    where: { jobId: job.id },
    orderBy: { number: "asc" },
  });
  const dir = await jobExportDir(job.id);
  const filesBefore = await allNames(dir);
  const shaBefore = await Promise.all(filesBefore.map((f) => sha256File(path.join(dir, f))));
  const cursorBefore = await db().exportCursor.findUnique({ where: { policyId: "default" } });

  await a.kill("SIGCONT");
  await a.finish();
  assert.equal(a.events.find((e) => e.event === "finished")?.status, "lease_lost", a.describe());
  assert.equal(
    a.events.filter((e) => e.event === "batch").length,
    batchesOfA,
    `A committed no batch after it was stopped. ${a.describe()}`,
  );

  assert.deepEqual(await jobRow(job.id), rowBefore, "the zombie changed nothing in the job row");
  assert.deepEqual(
    await db().exportBatch.findMany({ where: { jobId: job.id }, orderBy: { number: "asc" } }),
    batchesBefore,
  );
  assert.deepEqual(
    await db().exportCursor.findUnique({ where: { policyId: "default" } }),
    cursorBefore,
  );
  assert.deepEqual(
    await allNames(dir),
    filesBefore,
    "no file (final or partial) left by the zombie",
  );
  assert.deepEqual(
    await Promise.all(filesBefore.map((f) => sha256File(path.join(dir, f)))),
    shaBefore,
  );

  const row = await jobRow(job.id);
  assert.equal(row.status, "success");
  assert.equal(row.attempts, 2);
  assert.equal(row.leaseEpoch, 2);
  const out = await assertJobOutput(job.id);
  const plan = await jobPlan(job.id);
  assertExactlyOnce(out.rows, expectedEntries(fx.takeChanges(), plan.jobStartTime), {
    label: "zombie run",
  });
  assert.deepEqual(await updateJobStatusAudits(job.id), [
    "pending->in_progress",
    "in_progress->in_progress",
    "in_progress->success",
  ]);
});

test("the taken-over job's files equal a clean single run of the same window, byte for byte (RELIABILITY check 3)", async () => {
  assert.ok(zombieJob, "runs after the zombie test");
  const out = await assertJobOutput(zombieJob);
  const plan = await jobPlan(zombieJob);
  assert.ok(
    plan.selection.kind === "feed" &&
      plan.selection.feedFrom === 0 &&
      plan.selection.regions.length === 0,
    "first cursor job",
  );
  assert.deepEqual(
    plan.selection.frontier,
    { updateAt: plan.jobStartTime, postId: "" },
    "first cursor job: a ranged job over its window selects the same posts",
  );
  // The clean run: a ranged job with the same start, end and batch size. (Another time zone only
  // changes its directory's name; with the same one it would share the zombie job's directory.)
  await setExportSettings({ BatchSize: 5, TimeZone: "Asia/Kolkata" });
  const reference = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "reference",
    format: "csv",
    window: { start: plan.jobStartTime, end: plan.jobEndTime },
  });
  const claimed = await claimNextJob({
    workerId: "reference",
    leaseMs: 60_000,
    jobId: reference.id,
  });
  assert.ok(claimed);
  assert.equal(await workJob({ claimed, workerId: "reference", leaseMs: 60_000 }), "success");
  await setExportSettings({ BatchSize: 5 });
  const ref = await assertJobOutput(reference.id);
  assert.notEqual(ref.dir, out.dir);
  assert.deepEqual(ref.files, out.files, "same batch file names");
  const differing: string[] = [];
  for (const f of out.files.filter((name) => out.sha256.get(name) !== ref.sha256.get(name))) {
    const entries = await zipEntries(path.join(out.dir, f));
    const changed: string[] = [];
    for (const e of entries) {
      const mine = (await unzipEntry(path.join(out.dir, f), e)).toString("utf8");
      const clean = (await unzipEntry(path.join(ref.dir, f), e)).toString("utf8");
      if (mine !== clean) changed.push(`${e}: ${firstDifference(mine, clean)}`);
    }
    differing.push(
      `${f} [${changed.join("; ") || `same entry contents, different zip bytes: ${await zipHeaderDifference(path.join(out.dir, f), path.join(ref.dir, f))}`}]`,
    );
  }
  assert.deepEqual(
    differing,
    [],
    "batch files that differ from a clean run of the same window (A wrote the first batches, B the rest)",
  );
});

test("kill -9 after batch 2: B claims only once the lease has expired, with epoch 2, and finishes exactly once", async () => {
  await addChanges(30);
  const job = await enqueue();
  const a = new WorkerChild("kill-A", {
    LEASE_MS: "30000",
    SLOW_MS: "20000",
    SLOW_FROM_BATCH: "2",
  });
  const b = standby("kill-B");
  await a.waitFor((e) => e.event === "batch" && (e.n ?? 0) >= 2);
  await a.kill("SIGKILL");
  const crashed = await jobRow(job.id);
  assert.equal(crashed.status, "in_progress");
  assert.equal(crashed.leaseOwner, "kill-A");
  assert.equal(crashed.leaseEpoch, 1);
  assert.equal(crashed.batchesWritten, 2);
  // The lease is still live: nobody may take the job yet.
  assert.equal(await claimNextJob({ workerId: "probe", leaseMs: 30_000 }), null);
  await backdateLease(job.id);

  await go(b);
  await b.finish();
  const claimed = b.events.find((e) => e.event === "claimed");
  assert.ok(claimed, b.describe());
  assert.equal(claimed.jobId, job.id);
  assert.equal(claimed.epoch, 2);
  assert.equal(b.events.find((e) => e.event === "finished")?.status, "success", b.describe());
  assert.equal(b.events.find((e) => e.event === "batch")?.n, 3, "B continues with batch 3");

  const row = await jobRow(job.id);
  assert.equal(row.status, "success");
  assert.equal(row.attempts, 2);
  assert.equal(row.leaseEpoch, 2);
  const out = await assertJobOutput(job.id);
  assertExactlyOnce(
    out.rows,
    expectedEntries(fx.takeChanges(), (await jobPlan(job.id)).jobStartTime),
    { label: "kill after batch 2" },
  );
});

test("kill -9 at a random later point (mid-zip, mid-commit, …) and takeover: success, attempts 2, contiguous, exactly once", async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  random();
  const delay = Math.floor(random() * 250);
  await addChanges(90);
  const job = await enqueue();
  const a = new WorkerChild("random-A", { LEASE_MS: "30000", SLOW_MS: "15" });
  const b = standby("random-B");
  await a.waitFor((e) => e.event === "batch" && (e.n ?? 0) >= 2);
  await new Promise((r) => setTimeout(r, delay));
  await a.kill("SIGKILL");
  const label = `CRASH_SEED=${seed} (kill ${delay} ms after batch 2)`;
  const crashed = await jobRow(job.id);
  assert.equal(
    crashed.status,
    "in_progress",
    `${label}: A was killed before it finished (${crashed.batchesWritten} batches)`,
  );
  await backdateLease(job.id);

  await go(b);
  await b.finish();
  assert.equal(b.events.find((e) => e.event === "claimed")?.epoch, 2, `${label}. ${b.describe()}`);
  const row = await jobRow(job.id);
  assert.equal(row.status, "success", label);
  assert.equal(row.attempts, 2, label);
  const out = await assertJobOutput(job.id);
  assertExactlyOnce(
    out.rows,
    expectedEntries(fx.takeChanges(), (await jobPlan(job.id)).jobStartTime),
    { label },
  );
});

test("two workers racing for one pending job: one claim, one export directory, one pending→in_progress, exactly once", async () => {
  await addChanges(12);
  const job = await enqueue();
  const dirsBefore = await exportDirs();
  const racers = [standby("race-A"), standby("race-B")];
  await Promise.all(racers.map((r) => r.waitFor((e) => e.event === "ready")));
  for (const r of racers) r.proc.stdin!.write("go\n");
  await Promise.all(racers.map((r) => r.finish()));
  const claims = racers.flatMap((r) => r.events.filter((e) => e.event === "claimed"));
  assert.equal(
    claims.length,
    1,
    `exactly one claim. ${racers.map((r) => r.describe()).join(" | ")}`,
  );
  assert.equal(claims[0]!.jobId, job.id);
  const row = await jobRow(job.id);
  assert.equal(row.status, "success");
  assert.equal(row.attempts, 1);
  assert.equal(row.leaseEpoch, 1);
  const dirsAfter = await exportDirs();
  assert.equal(dirsAfter.length - dirsBefore.length, 1, "one new export directory");
  assert.deepEqual(await updateJobStatusAudits(job.id), [
    "pending->in_progress",
    "in_progress->success",
  ]);
  const out = await assertJobOutput(job.id);
  assertExactlyOnce(
    out.rows,
    expectedEntries(fx.takeChanges(), (await jobPlan(job.id)).jobStartTime),
    { label: "race" },
  );
});
