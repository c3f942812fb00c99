// Issue 15, the end-to-end property: under random SIGKILLs of worker processes, database connection
// resets and SMTP faults, three incremental runs export exactly what one clean run would — the union
// of all batch files equals the expected entries (0 missing, 0 duplicated), the union of the emails
// the archive accepted holds every post once, and every email the archive may hold twice is reported.
// Seeded: FAULT_SEED=<n> replays a sequence. The figures are printed (console.log) for the record.
//   LOG_LEVEL=silent node --import tsx --test lib/export/fault-property.test.ts
import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { resetEnvForTests } from "../config/env.ts";
import { databaseProvider, db, disconnectDb, type Db } from "../db/client.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { defaultExportSettings } from "../settings/schema.ts";
import {
  expectedEntries,
  ExportFixture,
  FIXTURE_BASE,
  jobExportDir,
  jobPlan,
  postRows,
  readExportRows,
  setExportSettings,
  type ExportRow,
  type FixturePost,
} from "../testing/export-fixtures.ts";
import { startPgProxy } from "../testing/pg-proxy.ts";
import { startTestSmtpServer, type TestSmtpServer } from "../testing/smtp/test-smtp-server.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runJob } from "../worker/run-job.ts";
import { retryRefusedDeliveries } from "./retry-refused-deliveries.ts";
import { spawnExportWorker } from "../testing/spawn-export-worker.ts";

process.env.LOG_LEVEL = "silent";
const SEED = Number(process.env.FAULT_SEED ?? 15_2026);
let t: TestDatabase;
let smtp: TestSmtpServer;
let proxy: Awaited<ReturnType<typeof startPgProxy>> | null = null;
const fx = new ExportFixture("property");
const FINISHED = new Set(["success", "warning", "error", "canceled"]);
const figures = {
  seed: SEED,
  database: "",
  kills: 0,
  dbResets: 0,
  smtpFaults: { tempfail: 0, lostReply: 0, refused: 0 },
  jobs: 0,
  errored: 0,
};
let clock = Date.now();

/** mulberry32: small, seedable, good enough to pick fault points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(SEED);
const pick = (n: number) => Math.floor(rnd() * n);

before(async () => {
  t = await useTestDatabase();
  figures.database = databaseProvider();
  smtp = await startTestSmtpServer({ faults: { noStartTls: true } });
  await setExportSettings({
    BatchSize: 4,
    ExportFromTimestamp: FIXTURE_BASE - 86_400_000,
    ExportFormat: "csv",
  });
  await fx.insertWorkspace();
  if (databaseProvider() === "postgresql") {
    // This process reaches PostgreSQL through a proxy that can cut every connection; the workers' processes do not.
    proxy = await startPgProxy(new URL(t.url));
    process.env.DATABASE_URL = proxy.url;
    resetEnvForTests();
    await disconnectDb();
  }
});
after(async () => {
  await disconnectDb();
  process.env.DATABASE_URL = t.url;
  resetEnvForTests();
  await proxy?.close();
  await smtp.close();
  await t.cleanup();
});

/** A worker process that is SIGKILLed once it has committed `afterBatches` batches (or, with KILL_AT_LEDGER_SENT, by itself). */
async function killedWorker(
  jobId: string,
  options: { afterBatches?: number; killAtLedgerSent?: number },
): Promise<void> {
  await db().exportJob.updateMany({
    where: { id: jobId, status: { in: ["in_progress", "cancel_requested"] } },
    data: { leaseExpiresAt: new Date(Date.now() - 1000) },
  });
  const child = spawnExportWorker({
    db: t,
    env: {
      WORKER_ID: `killed-${figures.kills}`,
      JOB_ID: jobId,
      KILL_AT_LEDGER_SENT: String(options.killAtLedgerSent ?? 0),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let batches = 0;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.includes('"event":"batch"') && ++batches === options.afterBatches)
      child.kill("SIGKILL");
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.once("exit", (_code, s) => resolve(s)),
  );
  if (signal === "SIGKILL") figures.kills++;
  // The lease of the killed worker runs out (time passes).
  await db().exportJob.updateMany({
    where: { id: jobId, status: { in: ["in_progress", "cancel_requested"] } },
    data: { leaseExpiresAt: new Date(Date.now() - 1000) },
  });
}

/** Makes the next check before a batch fail as a dropped connection (SQLite; PostgreSQL cuts the proxy instead). */
function dropConnection(): () => void {
  figures.dbResets++;
  if (proxy) {
    proxy.cut(true);
    return () => proxy!.cut(false);
  }
  const g = globalThis as unknown as { custodianDb?: { url: string; client: Db } };
  const original = g.custodianDb!;
  let armed = true;
  g.custodianDb = {
    url: original.url,
    client: original.client.$extends({
      query: {
        exportJob: {
          async findUniqueOrThrow({ args, query }) {
            if (armed) {
              armed = false;
              throw Object.assign(new Error("Server has closed the connection."), {
                name: "PrismaClientKnownRequestError",
                code: "P1017",
              });
            }
            return query(args);
          },
        },
      },
    }) as unknown as Db,
  };
  return () => {
    g.custodianDb = original;
  };
}

/** One in-process attempt at the job, maybe with the connection dropped at its start or after its first batch. */
async function attempt(jobId: string, reset: boolean): Promise<void> {
  clock += 3_600_000;
  const claimed = await claimNextJob({
    workerId: "w-property",
    leaseMs: 60_000,
    jobId,
    now: new Date(clock),
  });
  if (!claimed) return;
  // Half the resets hit the attempt's first read, the others come after its first batch.
  let restore: (() => void) | null = reset && rnd() < 0.5 ? dropConnection() : null;
  try {
    await runJob({
      claimed,
      workerId: "w-property",
      leaseMs: 60_000,
      hooks: {
        smtp: { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
        afterBatch: () => {
          if (reset && !restore) restore = dropConnection();
        },
      },
    });
  } finally {
    (restore as (() => void) | null)?.();
  }
}

/** Runs the policy's export to its end through kills, resets and faults; an errored job is continued by a new one. */
async function incrementalRun(
  format: "csv" | "globalrelay",
  faults: { kills: number; resets: number },
): Promise<string[]> {
  const jobs: string[] = [];
  let kills = faults.kills;
  let resets = faults.resets;
  for (;;) {
    const id = (
      await enqueueExportJob({
        trigger: "manual",
        initiatedBy: "",
        initiatedByLabel: "property",
        format,
      })
    ).id;
    jobs.push(id);
    figures.jobs++;
    for (let guard = 0; guard < 50; guard++) {
      const row = await db().exportJob.findUniqueOrThrow({ where: { id } });
      if (FINISHED.has(row.status)) break;
      if (kills > 0 && rnd() < 0.6) {
        kills--;
        // Files: killed after a random batch. Email: killed right after the archive's 250 of a random email.
        await killedWorker(
          id,
          format === "csv" ? { afterBatches: 1 + pick(3) } : { killAtLedgerSent: 1 + pick(4) },
        );
      } else {
        const reset = resets > 0;
        if (reset) resets--;
        await attempt(id, reset);
      }
    }
    const status = (await db().exportJob.findUniqueOrThrow({ where: { id } })).status;
    assert.ok(FINISHED.has(status), `job ${id} finished (${status})`);
    if (status !== "error") return jobs;
    figures.errored++;
  }
}

function compare(label: string, actual: ExportRow[], expected: ReturnType<typeof expectedEntries>) {
  const key = (r: { postId: string; updateAt: number | null; updateType: string }) =>
    `${r.postId}|${r.updateAt}|${r.updateType}`;
  const found = new Map<string, number>();
  for (const r of postRows(actual)) found.set(key(r), (found.get(key(r)) ?? 0) + 1);
  const want = new Set(expected.map(key));
  const result = {
    expected: want.size,
    found: found.size,
    duplicated: [...found.values()].filter((n) => n > 1).length,
    missing: [...want].filter((k) => !found.has(k)).length,
    unexpected: [...found.keys()].filter((k) => !want.has(k)).length,
  };
  console.log(`${label}: ${JSON.stringify(result)}`);
  return result;
}

test("three incremental file runs under random SIGKILLs and connection resets: the union of the batches equals one clean run", async () => {
  const union: ExportRow[] = [];
  const expected: ReturnType<typeof expectedEntries> = [];
  for (let run = 0; run < 3; run++) {
    const posts = await fx.addPosts(11 + pick(5));
    // Edits and deletions of this run's and earlier posts, some created before a cut and deleted after it.
    for (const p of posts.filter(() => rnd() < 0.2))
      await fx.editPost(p.id, `edited ${p.id}`, fx.tick(1000));
    for (const p of posts.filter(() => rnd() < 0.2)) await fx.deletePost(p.id, fx.tick(1000));
    const changes: FixturePost[] = fx.takeChanges();
    const jobs = await incrementalRun("csv", { kills: 1 + pick(2), resets: 1 });
    for (const id of jobs)
      if ((await db().exportJob.findUniqueOrThrow({ where: { id } })).batchesWritten > 0)
        union.push(...(await readExportRows(await jobExportDir(id))));
    expected.push(...expectedEntries(changes, (await jobPlan(jobs[0]!)).jobStartTime));
  }
  const result = compare("fault property, files", union, expected);
  console.log(`fault property, files: ${JSON.stringify(figures)}`);
  assert.ok(figures.kills > 0 && figures.dbResets > 0, "faults were injected");
  assert.deepEqual(
    { duplicated: result.duplicated, missing: result.missing, unexpected: result.unexpected },
    { duplicated: 0, missing: 0, unexpected: 0 },
  );
});

test("three incremental Global Relay runs under SIGKILLs after the archive's 250, resets and SMTP faults: every post accepted once, every possible duplicate reported", async () => {
  await setExportSettings({
    ExportFormat: "globalrelay",
    GlobalRelaySettings: {
      ...defaultExportSettings().GlobalRelaySettings,
      CustomerType: "CUSTOM",
      CustomSMTPServerName: "127.0.0.1",
      CustomSMTPPort: smtp.port,
      SMTPUsername: smtp.user,
      SMTPPassword: smtp.password,
      EmailAddress: "archive@example.com",
      SMTPServerTimeout: 10,
      AllowPlainSMTP: true,
    },
  });
  const start = smtp.messages.length;
  let expectedPosts = 0;
  const jobs: string[] = [];
  for (let run = 0; run < 3; run++) {
    const posts = await fx.addPosts(9 + pick(5));
    for (const p of posts.filter(() => rnd() < 0.2))
      await fx.editPost(p.id, `edited ${p.id}`, fx.tick(1000));
    expectedPosts += new Set(fx.takeChanges().map((c) => c.id)).size;
    // Faults on the archive's side: one 451, one lost reply and one 550 at random points of the run's
    // first emails, and a few more at random.
    const base = smtp.messages.length;
    const planned = new Map<number, "tempfail" | "lostReply" | "refused">();
    for (const kind of ["tempfail", "lostReply", "refused"] as const) {
      let at = base + 1 + pick(8);
      while (planned.has(at)) at++;
      planned.set(at, kind);
    }
    smtp.faults.onData = (ctx) => {
      const r = rnd();
      const kind =
        planned.get(ctx.index) ??
        (r < 0.03 ? "tempfail" : r < 0.05 ? "lostReply" : r < 0.07 ? "refused" : undefined);
      planned.delete(ctx.index);
      if (!kind) return undefined;
      figures.smtpFaults[kind]++;
      if (kind === "tempfail") return { kind: "reply", code: 451, message: "Try again later" };
      if (kind === "lostReply") return { kind: "drop" };
      return { kind: "reply", code: 550, message: "5.7.1 refused" };
    };
    const runJobs = await incrementalRun("globalrelay", { kills: 1, resets: 1 });
    smtp.faults.onData = undefined;
    for (const id of runJobs) {
      if ((await db().refusedDelivery.count({ where: { jobId: id, status: "refused" } })) > 0)
        await retryRefusedDeliveries({ jobId: id });
    }
    jobs.push(...runJobs);
  }
  const rows = await db().exportJob.findMany({ where: { id: { in: jobs } } });
  const accepted = new Map<string, number>();
  for (const m of smtp.messages.slice(start))
    if (m.outcome === "accepted" || m.outcome === "dropped")
      accepted.set(m.messageId, (accepted.get(m.messageId) ?? 0) + 1);
  const ledger = await db().deliveryLedger.findMany({ where: { jobId: { in: jobs } } });
  const duplicated = [...accepted.values()].filter((n) => n > 1).length;
  const refusedRows = await db().refusedDelivery.count({ where: { jobId: { in: jobs } } });
  const reported = rows.reduce((s, r) => s + r.warningCount, 0) - refusedRows;
  const delivered = rows.reduce((s, r) => s + r.messagesExported, 0);
  const emails = {
    expectedPosts,
    deliveredPosts: delivered,
    emailsExpected: ledger.length,
    emailsFound: accepted.size,
    emailsDuplicated: duplicated,
    duplicatesReported: reported,
    emailsMissing: ledger.filter((l) => !accepted.has(l.messageId)).length,
    refusedThenRetried: refusedRows,
  };
  console.log(`fault property, emails: ${JSON.stringify(emails)}`);
  console.log(`fault property, totals: ${JSON.stringify(figures)}`);
  assert.ok(
    figures.smtpFaults.tempfail + figures.smtpFaults.lostReply + figures.smtpFaults.refused > 0,
    "SMTP faults were injected",
  );
  assert.ok(
    ledger.every((l) => l.status === "sent"),
    `every email accepted in the end: ${ledger
      .filter((l) => l.status !== "sent")
      .map((l) => `${l.messageId} ${l.status}`)
      .join(", ")}`,
  );
  assert.equal(emails.emailsMissing, 0);
  assert.equal(delivered, expectedPosts, "every post delivered once across the runs");
  assert.ok(
    duplicated <= reported,
    `${duplicated} emails arrived twice, ${reported} possible duplicates reported`,
  );
  const flagged = new Set(ledger.filter((l) => l.duplicateRisk).map((l) => l.messageId));
  const unflagged = [...accepted]
    .filter(([mid, n]) => n > 1 && !flagged.has(mid))
    .map(([mid]) => mid);
  assert.deepEqual(
    unflagged,
    [],
    "every email that arrived twice is marked as a possible duplicate",
  );
});
