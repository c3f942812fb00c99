// Issue 15 items 3–5: Global Relay delivery under faults, through the job engine and a loopback SMTP
// server. A crash between the archive's 250 and the ledger's commit; a continuation after an errored
// job; an email refused with 550, listed on the job and sent again by "Retry failed deliveries".
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, test } from "node:test";
import { runCliInProcess } from "../cli/testing/run-cli.ts";
import { db } from "../db/client.ts";
import { claimNextJob, type ClaimedJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { getJobView } from "../jobs/job-view.ts";
import { defaultExportSettings } from "../settings/schema.ts";
import { ExportFixture, setExportSettings } from "../testing/export-fixtures.ts";
import { startTestSmtpServer, type TestSmtpServer } from "../testing/smtp/test-smtp-server.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runJob, type RunJobHooks } from "../worker/run-job.ts";
import { spawnExportWorker } from "../testing/spawn-export-worker.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let smtp: TestSmtpServer;
const fx = new ExportFixture("gr-faults");
const quick = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
let clock = Date.now();

before(async () => {
  t = await useTestDatabase();
  smtp = await startTestSmtpServer({ faults: { noStartTls: true } });
  await setExportSettings({
    ExportFormat: "globalrelay",
    BatchSize: 4,
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
  await fx.insertWorkspace();
});
after(async () => {
  await smtp.close();
  await t.cleanup();
});

async function enqueue(maxAttempts = 3): Promise<string> {
  return (
    await enqueueExportJob({
      trigger: "manual",
      initiatedBy: "",
      initiatedByLabel: "test",
      format: "globalrelay",
      maxAttempts,
    })
  ).id;
}
async function claim(jobId: string): Promise<ClaimedJob> {
  clock += 3_600_000;
  const claimed = await claimNextJob({
    workerId: "w-gr",
    leaseMs: 60_000,
    jobId,
    now: new Date(clock),
  });
  assert.ok(claimed);
  return claimed;
}
const work = (claimed: ClaimedJob, hooks: RunJobHooks = {}) =>
  runJob({
    claimed,
    workerId: "w-gr",
    leaseMs: 60_000,
    hooks: { smtp: { retry: quick }, ...hooks },
  });
const jobRow = (id: string) => db().exportJob.findUniqueOrThrow({ where: { id } });
/** Accepted copies per Message-ID, of the messages from index `from` on. */
const acceptedCopies = (from = 0) => {
  const counts = new Map<string, number>();
  for (const m of smtp.messages.slice(from))
    if (m.outcome === "accepted") counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
};

/** A worker in its own process that SIGKILLs itself right after the archive's 250 for the `nth` email, before the ledger records it. */
async function workerKilledAfter250(jobId: string, nth: number): Promise<NodeJS.Signals | null> {
  const child = spawnExportWorker({
    db: t,
    env: { WORKER_ID: "w-killed", JOB_ID: jobId, KILL_AT_LEDGER_SENT: String(nth) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  return signal;
}

test("item 3: a crash between the archive's 250 and the ledger commit: on resume the email is sent again with the same Message-ID and reported as a possible duplicate", async () => {
  await fx.addPosts(10);
  const id = await enqueue();
  assert.equal(await workerKilledAfter250(id, 2), "SIGKILL", "the worker died");
  const inFlight = await db().deliveryLedger.findMany({ where: { status: "in_flight" } });
  assert.equal(inFlight.length, 1, "recorded in flight before DATA");
  const messageId = inFlight[0]!.messageId;
  assert.equal(acceptedCopies().get(messageId), 1, "the archive has it once already");

  assert.equal(await work(await claim(id)), "warning");
  assert.equal(acceptedCopies().get(messageId), 2, "re-sent under the same Message-ID");
  for (const [mid, n] of acceptedCopies())
    if (mid !== messageId) assert.equal(n, 1, `${mid} arrived ${n} times`);
  const row = await jobRow(id);
  assert.ok(row.warningCount >= 1, "counted as a warning");
  assert.equal(row.messagesExported, 10);
  assert.equal(
    (await db().deliveryLedger.findUniqueOrThrow({ where: { messageId } })).status,
    "sent",
  );
});

test("item 4: a continuation after an errored job recognises the emails already accepted and does not send them again", async () => {
  await fx.addPosts(12);
  const start = smtp.messages.length;
  const id = await enqueue(1);
  let base = 0;
  const status = await work(await claim(id), {
    afterBatch: (n) => {
      // The second email of batch 2 is refused for now (451); with no attempt left the job errors.
      if (n === 1) {
        base = smtp.messages.length;
        smtp.faults.onData = (ctx) =>
          ctx.index === base + 2
            ? { kind: "reply", code: 451, message: "Try again later" }
            : undefined;
      }
    },
  });
  smtp.faults.onData = undefined;
  assert.equal(status, "error", (await jobRow(id)).error);
  assert.equal((await jobRow(id)).batchesWritten, 1);
  const acceptedBefore = [...acceptedCopies(start).keys()];
  assert.ok(
    smtp.messages.slice(base).some((m) => m.outcome === "accepted"),
    "batch 2 had an email accepted before the job failed",
  );

  const next = await enqueue();
  assert.equal(await work(await claim(next)), "success", (await jobRow(next)).error);
  for (const [mid, n] of acceptedCopies(start)) assert.equal(n, 1, `${mid} arrived ${n} times`);
  assert.ok(acceptedCopies(start).size > acceptedBefore.length);
  const row = await jobRow(next);
  assert.equal(row.warningCount, 0, "nothing is a possible duplicate");
  assert.equal(
    (await jobRow(id)).messagesExported + row.messagesExported,
    12,
    "every post delivered once over both jobs",
  );
});

test("item 5: an email refused with 550 is not counted as exported, is listed on the job, and 'jobs retry-deliveries' sends it again under the same Message-ID", async () => {
  await fx.addPosts(8);
  const id = await enqueue();
  const from = smtp.messages.length;
  smtp.faults.onData = (ctx) =>
    ctx.index === from + 2
      ? { kind: "reply", code: 550, message: "5.7.1 Message refused by policy" }
      : undefined;
  assert.equal(await work(await claim(id)), "warning");
  smtp.faults.onData = undefined;
  const refusedMessage = smtp.messages[from + 1]!;
  assert.equal(refusedMessage.outcome, "rejected");

  const row = await jobRow(id);
  const view = await getJobView(id);
  const refused = view!.refusedDeliveries ?? [];
  assert.equal(refused.length, 1);
  const r = refused[0]!;
  assert.equal(r.messageId, refusedMessage.messageId);
  assert.equal(r.status, "refused");
  assert.match(r.reply, /550/);
  assert.ok(r.posts > 0 && r.postIds.length === r.posts);
  assert.equal(row.messagesExported, 8 - r.posts, "the refused email's posts are not counted");

  const shown = await runCliInProcess(["jobs", "show", id]);
  assert.match(
    shown.stdout,
    new RegExp(`refused\\s+batch ${r.batchNumber}, channel ${r.channelId}`),
  );
  assert.ok(shown.stdout.includes(r.postIds[0]!));

  const retried = await runCliInProcess(["jobs", "retry-deliveries", id]);
  assert.equal(retried.code, 0, retried.stdout + retried.stderr);
  assert.match(retried.stdout, /1 email\(s\) accepted/);
  assert.equal(acceptedCopies().get(r.messageId), 1, "the same Message-ID, accepted once");
  assert.equal((await jobRow(id)).messagesExported, 8);
  assert.equal((await getJobView(id))!.refusedDeliveries![0]!.status, "delivered");
  const audit = await db().auditRecord.findMany({ where: { eventName: "retryDeliveries" } });
  assert.equal(audit.length, 1);

  const again = await runCliInProcess(["jobs", "retry-deliveries", id]);
  assert.notEqual(again.code, 0, "nothing left to retry");
  assert.match(again.stderr + again.stdout, /no refused deliveries/);
});
