// The daily scheduler with an injected clock (RELIABILITY.md checks 5, 12 and 20).
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { db } from "../db/client.ts";
import { setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { cancelJob } from "../jobs/cancel-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { schedulePolicyRun as scheduleDailyExport } from "./schedule-policy-runs.ts";

process.env.LOG_LEVEL = "silent";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());
beforeEach(async () => {
  await db().exportJob.deleteMany();
  await db().auditRecord.deleteMany();
});

const at = (iso: string) => new Date(iso);
const slots = async () =>
  (
    await db().exportJob.findMany({
      where: { dailySlot: { not: null } },
      orderBy: { createdAt: "asc" },
    })
  ).map((j) => j.dailySlot);

/** What a worker would do with a freshly scheduled job: run it to its end, freeing the policy's slot. */
async function settle(jobId: string | null): Promise<void> {
  if (jobId) await cancelJob({ jobId });
}

test("before the day's run time: nothing, unless yesterday's run was due (enabled before yesterday's time)", async () => {
  // Enabled this morning at 00:30 UTC; runs at 01:00 UTC.
  await setExportSettings({
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFromTimestamp: at("2026-05-10T00:30:00Z").getTime(),
  });
  let r = await scheduleDailyExport({ now: at("2026-05-10T00:45:00Z") });
  assert.equal(r.created, null);
  assert.deepEqual(await slots(), []);

  // Enabled two days ago: yesterday's run was due and never happened (downtime) ⇒ yesterday's slot.
  await setExportSettings({
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFromTimestamp: at("2026-05-08T12:00:00Z").getTime(),
  });
  r = await scheduleDailyExport({ now: at("2026-05-10T00:45:00Z") });
  assert.ok(r.created);
  assert.deepEqual(await slots(), ["default:2026-05-09"]);

  // Enabled yesterday after yesterday's run time ⇒ yesterday's run was not due.
  await db().exportJob.deleteMany();
  await setExportSettings({
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFromTimestamp: at("2026-05-09T01:00:00.001Z").getTime(),
  });
  r = await scheduleDailyExport({ now: at("2026-05-10T00:59:59.999Z") });
  assert.equal(r.created, null);
  assert.deepEqual(await slots(), []);
});

test("at and after the run time: one job, slot default:<local date>, audited createJob", async () => {
  await setExportSettings({
    DailyRunTime: "23:30",
    TimeZone: "Asia/Tokyo",
    ExportFromTimestamp: at("2026-01-01T00:00:00Z").getTime(),
  });
  // 23:30 in Tokyo on 2026-06-15 is 14:30 UTC.
  const r = await scheduleDailyExport({ now: at("2026-06-15T14:30:00Z") });
  assert.ok(r.created, r.reason);
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: r.created } });
  assert.equal(job.dailySlot, "default:2026-06-15");
  assert.equal(job.trigger, "scheduled");
  assert.equal(job.status, "pending");
  assert.equal(job.format, "csv");
  assert.equal(job.movesCursor, true);
  assert.equal(job.activeSlot, "default");
  // Later the same local day (already next day in UTC): nothing more.
  for (const iso of ["2026-06-15T14:30:00.001Z", "2026-06-15T14:59:00Z", "2026-06-15T14:59:59Z"]) {
    assert.equal((await scheduleDailyExport({ now: at(iso) })).created, null);
  }
  await settle(r.created);
  for (const iso of [
    "2026-06-15T14:45:00Z",
    "2026-06-15T15:00:00Z" /* 00:00 the 16th, before its run */,
    "2026-06-16T14:29:59Z",
  ]) {
    assert.equal((await scheduleDailyExport({ now: at(iso) })).created, null, iso);
  }
  assert.deepEqual(await slots(), ["default:2026-06-15"]);
  const audits = (await db().auditRecord.findMany({ where: { eventName: "createJob" } })).map(
    (a) => JSON.parse(a.json) as { event: { parameters: { slot: string; scheduled_for: string } } },
  );
  assert.equal(audits.length, 1);
  assert.equal(audits[0]!.event.parameters.slot, "default:2026-06-15");
  assert.equal(audits[0]!.event.parameters.scheduled_for, "2026-06-15T14:30:00.000Z");
});

test("instances calling it at once (2, then 8): exactly one job for the date", async () => {
  await setExportSettings({
    DailyRunTime: "02:00",
    TimeZone: "Europe/Berlin",
    ExportFromTimestamp: at("2026-01-01T00:00:00Z").getTime(),
  });
  const days = ["2026-07-01", "2026-07-02", "2026-07-03", "2026-07-04"];
  for (const [i, day] of days.entries()) {
    const n = i % 2 === 0 ? 2 : 8;
    // 02:00 Berlin (CEST) = 00:00 UTC; the instances' clocks differ by a few ms.
    const results = await Promise.all(
      Array.from({ length: n }, (_, k) =>
        scheduleDailyExport({ now: new Date(at(`${day}T00:00:00Z`).getTime() + k) }),
      ),
    );
    const created = results.filter((r) => r.created !== null);
    assert.equal(created.length, 1, `${day} with ${n} instances: ${JSON.stringify(results)}`);
    for (const r of results.filter((x) => x.created === null))
      assert.match(r.reason, /already scheduled|already pending or running/);
    assert.equal(await db().exportJob.count({ where: { dailySlot: `default:${day}` } }), 1);
    await settle(created[0]!.created);
  }
  assert.equal(await db().exportJob.count(), days.length);
  assert.equal(await db().auditRecord.count({ where: { eventName: "createJob" } }), days.length);
});

test("a job already active (Run now pending): the scheduler creates none, and schedules once it is done", async () => {
  await setExportSettings({
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFromTimestamp: at("2026-01-01T00:00:00Z").getTime(),
  });
  const manual = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "a",
    format: "csv",
  });
  const r = await scheduleDailyExport({ now: at("2026-08-01T01:00:00Z") });
  assert.equal(r.created, null);
  assert.match(r.reason, /already pending or running/);
  assert.deepEqual(await slots(), []);
  assert.equal(await db().exportJob.count(), 1);
  await cancelJob({ jobId: manual.id });
  const again = await scheduleDailyExport({ now: at("2026-08-01T01:05:00Z") });
  assert.ok(again.created);
  assert.deepEqual(await slots(), ["default:2026-08-01"]);
});

test("after several days of downtime only the latest missed slot is created", async () => {
  await setExportSettings({
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFromTimestamp: at("2026-01-01T00:00:00Z").getTime(),
  });
  const first = await scheduleDailyExport({ now: at("2026-09-01T01:00:00Z") });
  assert.ok(first.created);
  await settle(first.created);
  // Down from 09-01 01:00 to 09-05 00:30 (before that day's run): the 09-04 run is the latest missed.
  const back = await scheduleDailyExport({ now: at("2026-09-05T00:30:00Z") });
  assert.ok(back.created);
  assert.deepEqual(await slots(), ["default:2026-09-01", "default:2026-09-04"]);
  await settle(back.created);
  assert.equal((await scheduleDailyExport({ now: at("2026-09-05T00:45:00Z") })).created, null);
  // Down again until 09-09 12:00 (after that day's run): only 09-09.
  const later = await scheduleDailyExport({ now: at("2026-09-09T12:00:00Z") });
  assert.ok(later.created);
  await settle(later.created);
  assert.equal((await scheduleDailyExport({ now: at("2026-09-09T13:00:00Z") })).created, null);
  assert.deepEqual(await slots(), [
    "default:2026-09-01",
    "default:2026-09-04",
    "default:2026-09-09",
  ]);
});

test("export disabled: nothing, at any time", async () => {
  await setExportSettings({
    EnableExport: false,
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFromTimestamp: at("2026-01-01T00:00:00Z").getTime(),
  });
  for (const iso of ["2026-10-01T00:59:00Z", "2026-10-01T01:00:00Z", "2026-10-01T18:00:00Z"]) {
    const r = await scheduleDailyExport({ now: at(iso) });
    assert.equal(r.created, null);
    assert.equal(r.reason, "export disabled");
  }
  assert.equal(await db().exportJob.count(), 0);
});

/**
 * Calls the scheduler every `stepMin` minutes over [from, to), settling each created job like a
 * worker would; returns the slots with the instant each was created at.
 */
async function sweep(
  from: string,
  to: string,
  stepMin: number,
): Promise<Array<{ slot: string; at: string }>> {
  const created: Array<{ slot: string; at: string }> = [];
  for (let ms = at(from).getTime(); ms < at(to).getTime(); ms += stepMin * 60_000) {
    const r = await scheduleDailyExport({ now: new Date(ms) });
    if (r.created) {
      const job = await db().exportJob.findUniqueOrThrow({ where: { id: r.created } });
      created.push({ slot: job.dailySlot!, at: new Date(ms).toISOString() });
      await settle(r.created);
    }
  }
  return created;
}

test("DST spring forward: 02:30 America/New_York on 2026-03-08 (does not exist) runs once, at 03:00 EDT", async () => {
  await setExportSettings({
    DailyRunTime: "02:30",
    TimeZone: "America/New_York",
    ExportFromTimestamp: at("2026-03-06T00:00:00Z").getTime(),
  });
  // 2026-03-07 12:00 EST .. 2026-03-09 12:00 EDT, every 10 minutes.
  const created = await sweep("2026-03-07T17:00:00Z", "2026-03-09T16:00:00Z", 10);
  assert.deepEqual(created, [
    { slot: "default:2026-03-07", at: "2026-03-07T17:00:00.000Z" }, // first call, after that day's 02:30 EST
    { slot: "default:2026-03-08", at: "2026-03-08T07:00:00.000Z" }, // 03:00 EDT: the first instant after the gap
    { slot: "default:2026-03-09", at: "2026-03-09T06:30:00.000Z" }, // 02:30 EDT
  ]);
  // Called at every minute around the gap (the 03-08 job forgotten, 03-07's kept): still one.
  await db().exportJob.deleteMany({ where: { dailySlot: "default:2026-03-08" } });
  const fine = await sweep("2026-03-08T06:00:00Z", "2026-03-08T08:30:00Z", 1);
  assert.deepEqual(fine, [{ slot: "default:2026-03-08", at: "2026-03-08T07:00:00.000Z" }]);
});

test("DST fall back: 01:30 America/New_York on 2026-11-01 (happens twice) runs once, at its first occurrence", async () => {
  await setExportSettings({
    DailyRunTime: "01:30",
    TimeZone: "America/New_York",
    ExportFromTimestamp: at("2026-10-30T00:00:00Z").getTime(),
  });
  // 2026-10-31 12:00 EDT .. 2026-11-02 12:00 EST, every 10 minutes (both 01:30s are sampled: 05:30Z and 06:30Z).
  const created = await sweep("2026-10-31T16:00:00Z", "2026-11-02T17:00:00Z", 10);
  assert.deepEqual(created, [
    { slot: "default:2026-10-31", at: "2026-10-31T16:00:00.000Z" },
    { slot: "default:2026-11-01", at: "2026-11-01T05:30:00.000Z" }, // 01:30 EDT
    { slot: "default:2026-11-02", at: "2026-11-02T06:30:00.000Z" }, // 01:30 EST
  ]);
  // Concurrent instances across the repeated hour (the 11-01 job forgotten): still one job for 11-01.
  await db().exportJob.deleteMany({
    where: { dailySlot: { in: ["default:2026-11-01", "default:2026-11-02"] } },
  });
  const instants = [];
  for (
    let ms = at("2026-11-01T05:00:00Z").getTime();
    ms <= at("2026-11-01T07:00:00Z").getTime();
    ms += 5 * 60_000
  )
    instants.push(new Date(ms));
  const results = await Promise.all(instants.map((now) => scheduleDailyExport({ now })));
  assert.equal(results.filter((r) => r.created).length, 1, JSON.stringify(results));
  assert.deepEqual(await slots(), ["default:2026-10-31", "default:2026-11-01"]);
});

test("switching the export on after today's run time waits for tomorrow's (no immediate run)", async () => {
  await setExportSettings({
    DailyRunTime: "02:00",
    TimeZone: "Europe/London",
    ExportFromTimestamp: at("2026-11-23T23:55:00Z").getTime(),
  });
  assert.equal((await scheduleDailyExport({ now: at("2026-11-23T23:56:00Z") })).created, null);
  assert.equal((await scheduleDailyExport({ now: at("2026-11-24T01:59:00Z") })).created, null);
  const r = await scheduleDailyExport({ now: at("2026-11-24T02:00:00Z") });
  assert.ok(r.created, r.reason);
  assert.deepEqual(await slots(), ["default:2026-11-24"]);
});
