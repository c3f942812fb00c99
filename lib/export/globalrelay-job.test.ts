import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { simpleParser } from "mailparser";
import { db } from "../db/client.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { createExportJob } from "../jobs/create-export-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import { ExportFixture, setExportSettings } from "../testing/export-fixtures.ts";
import { startTestSmtpServer, type TestSmtpServer } from "../testing/smtp/test-smtp-server.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { defaultExportSettings } from "../settings/schema.ts";

// The globalrelay format end to end through the job engine: batches are emailed to the archive
// instead of zipped, every email exactly once even when the first attempt fails half-way.

let t: TestDatabase;
let smtp: TestSmtpServer;
const fixture = new ExportFixture("gr");
const ARCHIVE = "archive@example.com";
const quick = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

before(async () => {
  process.env.LOG_LEVEL = "silent";
  t = await useTestDatabase();
  smtp = await startTestSmtpServer({ faults: { noStartTls: true } });
});
after(async () => {
  await smtp.close();
  await t.cleanup();
});

async function configure(port: number) {
  await setExportSettings({
    ExportFormat: "globalrelay",
    BatchSize: 4,
    GlobalRelaySettings: {
      ...defaultExportSettings().GlobalRelaySettings,
      CustomerType: "CUSTOM",
      CustomSMTPServerName: "127.0.0.1",
      CustomSMTPPort: port,
      SMTPUsername: smtp.user,
      SMTPPassword: smtp.password,
      EmailAddress: ARCHIVE,
      SMTPServerTimeout: 10,
      AllowPlainSMTP: true,
    },
  });
}

async function runOnce(workerId: string) {
  const claimed = await claimNextJob({ workerId, leaseMs: 30_000 });
  assert.ok(claimed, "a job to claim");
  return workJob({ claimed, workerId, leaseMs: 30_000, hooks: { smtp: { retry: quick } } });
}

test("a scheduled-style run emails each batch's channels to the archive, once each", async () => {
  await fixture.insertWorkspace();
  await fixture.addPosts(10);
  await configure(smtp.port);
  const job = await createExportJob({
    input: {},
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
  });
  assert.equal(await runOnce("w1"), "success");

  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  const delivered = smtp.delivered();
  assert.ok(
    delivered.length >= 3,
    `expected one email per channel per batch, got ${delivered.length}`,
  );
  for (const [id, n] of smtp.deliveredCount())
    assert.equal(n, 1, `Message-ID ${id} delivered ${n} times`);
  for (const m of delivered) assert.deepEqual(m.rcptTo, [ARCHIVE]);
  assert.equal(row.emailsDelivered, delivered.length);
  assert.equal(row.messagesExported, 10);
  const first = await simpleParser(delivered[0]!.raw);
  assert.equal(first.headers.get("x-globalrelay-msgtype"), "Mattermost");
  const ledger = await db().deliveryLedger.findMany({ where: { jobId: job.id } });
  assert.equal(ledger.length, delivered.length);
  assert.ok(ledger.every((l) => l.status === "sent"));
});

test("an archive that is down is retried later: the job resumes and nothing is sent twice", async () => {
  await fixture.addPosts(9);
  const before = smtp.delivered().length;
  let refused = 0;
  // The archive refuses every message of the third transaction on (451): batch 1 gets through.
  smtp.faults.onData = (ctx) =>
    ctx.index > before + 2 && refused++ < 100
      ? { kind: "reply", code: 451, message: "Try again later" }
      : undefined;
  const job = await createExportJob({
    input: {},
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
  });
  assert.equal(await runOnce("w2"), "retry");
  const deferred = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(deferred.status, "in_progress");
  assert.match(deferred.error, /Delivery failed, retrying at/);
  const sentBefore = await db().deliveryLedger.count({ where: { jobId: job.id, status: "sent" } });

  smtp.faults.onData = undefined;
  await db().exportJob.update({
    where: { id: job.id },
    data: { leaseExpiresAt: new Date(Date.now() - 1000) },
  });
  assert.equal(await runOnce("w3"), "success");
  const done = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(done.error, "");
  assert.equal(done.attempts, 2);
  const ids = (await db().deliveryLedger.findMany({ where: { jobId: job.id } })).map(
    (l) => l.messageId,
  );
  assert.ok(ids.length > sentBefore);
  const counts = smtp.deliveredCount();
  for (const id of ids) assert.equal(counts.get(id), 1, `${id} must arrive exactly once`);
});
