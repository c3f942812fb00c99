// The Overview page's reader (issue 12 item 1): per-policy status, next run, worker and lease
// health, open warnings and the 30-day job series behind the charts.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { db } from "../db/client.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { readOverview } from "./read-overview.ts";

process.env.LOG_LEVEL = "silent";

const NOW = new Date("2026-06-15T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());
beforeEach(async () => {
  await db().exportBatch.deleteMany();
  await db().exportJob.deleteMany();
  await db().exportCursor.deleteMany();
  await db().workerHeartbeat.deleteMany();
  await setExportSettings({
    EnableExport: true,
    DailyRunTime: "02:30",
    TimeZone: "Europe/Berlin",
    ExportFromTimestamp: NOW.getTime() - 40 * DAY,
  });
});

async function finished(options: {
  policyId?: string;
  status: string;
  agoMs: number;
  messages?: number;
  files?: number;
  movesCursor?: boolean;
  error?: string;
}) {
  const job = await enqueueExportJob({
    trigger: "scheduled",
    initiatedBy: "",
    initiatedByLabel: "scheduler",
    format: "csv",
    policyId: options.policyId,
    window: options.movesCursor === false ? { start: 0 } : undefined,
  });
  const end = NOW.getTime() - options.agoMs;
  await db().exportJob.update({
    where: { id: job.id },
    data: {
      status: options.status,
      activeSlot: null,
      startedAt: new Date(end - 90_000),
      finishedAt: new Date(end),
      messagesExported: options.messages ?? 0,
      filesExported: options.files ?? 0,
      error: options.error ?? "",
    },
  });
  return job.id;
}

test("per policy: the last success, how far the daily run has exported, and the next run in the policy's zone", async () => {
  const old = await finished({ status: "success", agoMs: 2 * DAY, messages: 10 });
  const last = await finished({ status: "warning", agoMs: 10 * HOUR, messages: 25, files: 3 });
  await finished({ status: "error", agoMs: 5 * HOUR, error: "ENOSPC: no space left on device" });
  await db().exportCursor.create({
    data: {
      policyId: "default",
      lastUpdateAt: BigInt(NOW.getTime() - 11 * HOUR),
      lastPostId: "p",
      jobId: last,
    },
  });
  const o = await readOverview({ now: NOW });
  assert.equal(o.policies.length, 1);
  const p = o.policies[0]!;
  assert.equal(p.policyId, "default");
  assert.deepEqual(p.lastSuccess, {
    jobId: last,
    finishedAt: NOW.getTime() - 10 * HOUR,
    messages: 25,
    files: 3,
  });
  assert.notEqual(p.lastSuccess?.jobId, old);
  assert.equal(p.exportedUpTo, NOW.getTime() - 11 * HOUR);
  // 12:00 UTC is 14:00 in Berlin (CEST): today's 02:30 has passed, so tomorrow 02:30 CEST = 00:30 UTC.
  assert.equal(p.next?.at, Date.parse("2026-06-16T00:30:00Z"));
  assert.equal(p.next?.timeZone, "Europe/Berlin");
});

test("jobs group by policy from the start: a second policy gets its own card", async () => {
  await finished({ status: "success", agoMs: HOUR, messages: 5 });
  await finished({ policyId: "legal-hold", status: "success", agoMs: 2 * HOUR, messages: 7 });
  const o = await readOverview({ now: NOW });
  assert.deepEqual(
    o.policies.map((p) => p.policyId),
    ["default", "legal-hold"],
  );
  assert.equal(o.policies[1]!.lastSuccess?.messages, 7);
  assert.equal(o.policies[1]!.next, null, "no schedule of its own yet");
  assert.deepEqual(new Set(o.jobs.map((j) => j.policyId)), new Set(["default", "legal-hold"]));
});

test("warnings: a failed job (linked), a missed schedule; no late arrivals or mismatches where there are none", async () => {
  const failed = await finished({
    status: "error",
    agoMs: 3 * HOUR,
    error: "SMTP 535 authentication failed",
  });
  await finished({ status: "success", agoMs: 30 * HOUR, messages: 1 });
  const o = await readOverview({ now: NOW });
  const kinds = o.warnings.map((w) => w.kind).sort();
  assert.deepEqual(kinds, ["failed_job", "missed_schedule"]);
  assert.equal(o.warnings.find((w) => w.kind === "failed_job")?.jobId, failed);
  assert.match(o.warnings.find((w) => w.kind === "failed_job")!.text, /535/);
  assert.equal(
    o.warnings.some((w) => w.kind === "late_arrivals" || w.kind === "attestation_mismatch"),
    false,
  );

  // A daily run 20 h ago: not missed. Export off: no schedule to miss.
  await finished({ status: "success", agoMs: 20 * HOUR });
  assert.equal(
    (await readOverview({ now: NOW })).warnings.some((w) => w.kind === "missed_schedule"),
    false,
  );
});

test("worker health and leases: a fresh heartbeat is alive, a stale one is not; an expired lease is flagged", async () => {
  await db().workerHeartbeat.create({
    data: {
      id: "w1",
      host: "app-1",
      pid: 11,
      startedAt: new Date(NOW.getTime() - HOUR),
      beatAt: new Date(NOW.getTime() - 5000),
    },
  });
  await db().workerHeartbeat.create({
    data: {
      id: "w2",
      host: "app-2",
      pid: 22,
      startedAt: new Date(NOW.getTime() - DAY),
      beatAt: new Date(NOW.getTime() - 10 * 60_000),
    },
  });
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "a",
    format: "csv",
  });
  await db().exportJob.update({
    where: { id: job.id },
    data: {
      status: "in_progress",
      leaseOwner: "w2",
      leaseExpiresAt: new Date(NOW.getTime() - 60_000),
      progress: 40,
    },
  });
  const o = await readOverview({ now: NOW });
  assert.deepEqual(
    o.workers.map((w) => [w.id, w.alive]),
    [
      ["w1", true],
      ["w2", false],
    ],
  );
  assert.equal(o.leases.length, 1);
  assert.deepEqual(
    [o.leases[0]!.owner, o.leases[0]!.expired, o.leases[0]!.progress],
    ["w2", true, 40],
  );
});

test("the chart series: every job finished in the last 30 days with its counts and duration, oldest first", async () => {
  await finished({ status: "success", agoMs: 31 * DAY, messages: 99 });
  const a = await finished({ status: "success", agoMs: 3 * DAY, messages: 12, files: 2 });
  const b = await finished({ status: "success", agoMs: DAY, messages: 0 });
  const o = await readOverview({ now: NOW });
  assert.deepEqual(
    o.jobs.map((j) => [j.id, j.messages, j.files, j.durationMs]),
    [
      [a, 12, 2, 90_000],
      [b, 0, 0, 90_000],
    ],
  );
});

test("late arrivals: a run that exported late-arriving messages is a warning linked to its job, with the oldest", async () => {
  await finished({ status: "success", agoMs: 2 * HOUR, messages: 3 });
  const late = await finished({ status: "warning", agoMs: HOUR, messages: 8 });
  await db().exportJob.update({
    where: { id: late },
    data: { lateArrivals: 5, lateOldestAt: BigInt(NOW.getTime() - 3 * DAY) },
  });
  const stale = await finished({ status: "success", agoMs: 31 * DAY });
  await db().exportJob.update({
    where: { id: stale },
    data: { lateArrivals: 9, lateOldestAt: BigInt(NOW.getTime() - 40 * DAY) },
  });
  const warnings = (await readOverview({ now: NOW })).warnings.filter(
    (w) => w.kind === "late_arrivals",
  );
  assert.equal(warnings.length, 1, "only runs of the last 30 days");
  assert.equal(warnings[0]!.jobId, late);
  assert.match(
    warnings[0]!.text,
    /^5 late-arriving message\(s\) .*oldest from 2026-06-12T12:00:00.000Z/,
  );
});
