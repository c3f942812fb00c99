// Enqueue / claim / lease semantics of the export job queue (RELIABILITY.md checks 2, 4, 5, 11, 12).
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { cancelJob } from "../jobs/cancel-job.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { createExportJob } from "../jobs/create-export-job.ts";
import { enqueueExportJob, JobAlreadyActiveError } from "../jobs/enqueue-job.ts";
import { finishJob } from "../jobs/finish-job.ts";
import { fencedJobUpdate, LeaseLostError, renewLease, type Lease } from "../jobs/lease.ts";
import { runJob as workJob } from "./run-job.ts";

process.env.LOG_LEVEL = "silent";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings();
});
after(async () => t.cleanup());

/** Every test starts with no job; the lease tests use a long lease so none expires by itself. */
beforeEach(async () => {
  await db().exportBatch.deleteMany();
  await db().exportJob.deleteMany();
});

const LEASE = 60_000;
const manual = (extra: Partial<Parameters<typeof enqueueExportJob>[0]> = {}) =>
  enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "admin@example.com",
    format: "csv",
    ...extra,
  });
const job = (id: string) => db().exportJob.findUniqueOrThrow({ where: { id } });

test("two Run-now enqueues make one job; the second gets JobAlreadyActiveError (409)", async () => {
  const first = await manual();
  await assert.rejects(manual(), (e: unknown) => {
    assert.ok(e instanceof JobAlreadyActiveError, `got ${String(e)}`);
    assert.equal(e.status, 409);
    assert.equal(e.activeJobId, first.id);
    return true;
  });
  assert.equal(await db().exportJob.count(), 1);
  assert.equal((await job(first.id)).activeSlot, "default");
});

test("two Run-now requests at the same moment (createExportJob): one job, the other is refused as already active", async () => {
  for (let i = 0; i < 5; i++) {
    await db().exportJob.deleteMany();
    const results = await Promise.allSettled([
      createExportJob({ input: {}, trigger: "manual", initiatedBy: "u1", initiatedByLabel: "a" }),
      createExportJob({ input: {}, trigger: "api", initiatedBy: "u2", initiatedByLabel: "b" }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(
      ok.length,
      1,
      `exactly one created (round ${i}): ${refused.map((r) => String(r.reason)).join("; ")}`,
    );
    assert.equal(refused.length, 1);
    assert.ok(
      refused[0]!.reason instanceof JobAlreadyActiveError,
      `refusal is JobAlreadyActiveError, got ${String(refused[0]!.reason)}`,
    );
    assert.equal(await db().exportJob.count(), 1);
  }
});

test("a ranged job is allowed alongside an active cursor job, and does not hold the slot", async () => {
  const cursorJob = await manual();
  const ranged = await manual({ window: { start: 1_700_000_000_000, end: 1_700_000_100_000 } });
  const exportFrom = await manual({ window: { start: 1_700_000_000_000 } });
  assert.notEqual(ranged.id, cursorJob.id);
  for (const r of [ranged, exportFrom]) {
    const row = await job(r.id);
    assert.equal(row.activeSlot, null);
    assert.equal(row.movesCursor, false);
    assert.equal(row.status, "pending");
  }
  const request = JSON.parse((await job(ranged.id)).data) as {
    window: { start: number; end: number };
  };
  assert.deepEqual(request.window, { start: 1_700_000_000_000, end: 1_700_000_100_000 });
  assert.equal(await db().exportJob.count(), 3);
});

test("claiming a pending job: in_progress, epoch +1, attempts +1, lease owner and expiry, startedAt", async () => {
  const created = await manual();
  const now = new Date();
  const claimed = await claimNextJob({ workerId: "w-a", leaseMs: LEASE, now });
  assert.ok(claimed);
  assert.equal(claimed.id, created.id);
  assert.equal(claimed.epoch, 1);
  assert.equal(claimed.attempts, 1);
  assert.equal(claimed.resumed, false);
  const row = await job(created.id);
  assert.equal(row.status, "in_progress");
  assert.equal(row.leaseEpoch, 1);
  assert.equal(row.attempts, 1);
  assert.equal(row.leaseOwner, "w-a");
  assert.equal(row.leaseExpiresAt?.getTime(), now.getTime() + LEASE);
  assert.equal(row.startedAt?.getTime(), now.getTime());
  assert.equal(row.activeSlot, "default", "a running cursor job keeps the slot");
});

test("a live lease is never claimed, by any worker, until it expires", async () => {
  const created = await manual();
  const now = new Date();
  assert.ok(await claimNextJob({ workerId: "w-a", leaseMs: LEASE, now }));
  for (const [worker, at] of [
    ["w-b", now],
    ["w-c", new Date(now.getTime() + LEASE - 1)],
    ["w-d", new Date(now.getTime() + LEASE)], // expiry instant: not yet expired (strictly less than)
    ["w-a", new Date(now.getTime() + 1000)], // not even by its own owner
  ] as const) {
    assert.equal(
      await claimNextJob({ workerId: worker, leaseMs: LEASE, now: at }),
      null,
      `${worker} at +${at.getTime() - now.getTime()} ms`,
    );
  }
  const row = await job(created.id);
  assert.equal(row.leaseEpoch, 1);
  assert.equal(row.leaseOwner, "w-a");
  assert.equal(row.attempts, 1);
});

test("an expired lease is taken over with epoch n+1; the old worker is fenced out (LeaseLostError / renew false)", async () => {
  const created = await manual();
  const now = new Date();
  const a = await claimNextJob({ workerId: "w-a", leaseMs: LEASE, now });
  assert.ok(a);
  const leaseA: Lease = { jobId: a.id, workerId: "w-a", epoch: a.epoch, leaseMs: LEASE };
  assert.equal(await renewLease(leaseA), true, "A holds its lease before the takeover");

  // Future `now`: A's lease has expired.
  const later = new Date(Date.now() + LEASE + 5_000);
  const b = await claimNextJob({ workerId: "w-b", leaseMs: LEASE, now: later });
  assert.ok(b, "B takes the expired job over");
  assert.equal(b.id, created.id);
  assert.equal(b.epoch, a.epoch + 1);
  assert.equal(b.attempts, 2);
  assert.equal(b.resumed, true);

  assert.equal(await renewLease(leaseA), false, "A's renewal affects no row");
  await assert.rejects(
    db().$transaction((tx) => fencedJobUpdate(tx, leaseA, { progress: 42 })),
    LeaseLostError,
  );
  await assert.rejects(finishJob({ lease: leaseA, status: "success" }), LeaseLostError);

  const row = await job(created.id);
  assert.equal(row.leaseOwner, "w-b");
  assert.equal(row.leaseEpoch, 2);
  assert.equal(row.status, "in_progress");
  assert.equal(row.progress, 0, "A's fenced write changed nothing");
  const leaseB: Lease = { jobId: b.id, workerId: "w-b", epoch: b.epoch, leaseMs: LEASE };
  assert.equal(await renewLease(leaseB), true);
});

test("a lease backdated in the database (pg-boss style) is claimable at once with the real clock", async () => {
  const created = await manual();
  const a = await claimNextJob({ workerId: "w-a", leaseMs: LEASE });
  assert.ok(a);
  assert.equal(await claimNextJob({ workerId: "w-b", leaseMs: LEASE }), null);
  await db().exportJob.update({
    where: { id: created.id },
    data: { leaseExpiresAt: new Date(Date.now() - 1000) },
  });
  const b = await claimNextJob({ workerId: "w-b", leaseMs: LEASE });
  assert.ok(b);
  assert.equal(b.epoch, 2);
  assert.equal(
    await renewLease({ jobId: a.id, workerId: "w-a", epoch: a.epoch, leaseMs: LEASE }),
    false,
  );
});

test("a cancel_requested job whose worker died is claimed as cancel_requested (and then ends canceled)", async () => {
  const created = await manual();
  const a = await claimNextJob({ workerId: "w-a", leaseMs: LEASE });
  assert.ok(a);
  assert.deepEqual(await cancelJob({ jobId: created.id }), {
    before: "in_progress",
    after: "cancel_requested",
  });
  await db().exportJob.update({
    where: { id: created.id },
    data: { leaseExpiresAt: new Date(Date.now() - 1000) },
  });
  const b = await claimNextJob({ workerId: "w-b", leaseMs: LEASE });
  assert.ok(b);
  assert.equal((await job(created.id)).status, "cancel_requested");
  assert.equal(await workJob({ claimed: b, workerId: "w-b", leaseMs: LEASE }), "canceled");
  const row = await job(created.id);
  assert.equal(row.status, "canceled");
  assert.equal(row.activeSlot, null);
});

test("attempts > maxAttempts: workJob marks the job error with a 'Gave up after' message and audits it", async () => {
  const created = await manual({ maxAttempts: 2 });
  let now = Date.now();
  for (let attempt = 1; attempt <= 3; attempt++) {
    const c = await claimNextJob({ workerId: `w-${attempt}`, leaseMs: LEASE, now: new Date(now) });
    assert.ok(c, `claim ${attempt}`);
    assert.equal(c.attempts, attempt);
    if (attempt < 3) {
      now += LEASE + 1000; // that worker "crashed": its lease runs out
      continue;
    }
    assert.equal(await workJob({ claimed: c, workerId: `w-${attempt}`, leaseMs: LEASE }), "error");
  }
  const row = await job(created.id);
  assert.equal(row.status, "error");
  assert.match(row.error, /^Gave up after 2 attempts/);
  assert.equal(row.activeSlot, null, "the slot is freed: tomorrow's run can be scheduled");
  assert.equal(row.leaseOwner, null);
  const audits = (await db().auditRecord.findMany({ where: { eventName: "updateJobStatus" } }))
    .map(
      (r) =>
        JSON.parse(r.json) as {
          event: {
            parameters: { job_id: string };
            resulting_state: { status: string; error?: string };
          };
        },
    )
    .filter((r) => r.event.parameters.job_id === created.id);
  assert.equal(audits.length, 1);
  assert.equal(audits[0]!.event.resulting_state.status, "error");
  assert.match(audits[0]!.event.resulting_state.error ?? "", /Gave up after/);
  // Nothing is left to claim: no crash loop.
  assert.equal(
    await claimNextJob({ workerId: "w-4", leaseMs: LEASE, now: new Date(now + 10 * LEASE) }),
    null,
  );
  // And a new cursor job can be enqueued.
  assert.ok(await manual());
});

test("cancel of a pending job: canceled at once, activeSlot freed, a new job can be enqueued", async () => {
  const created = await manual();
  assert.deepEqual(await cancelJob({ jobId: created.id }), {
    before: "pending",
    after: "canceled",
  });
  const row = await job(created.id);
  assert.equal(row.status, "canceled");
  assert.equal(row.activeSlot, null);
  assert.ok(row.finishedAt);
  assert.equal(
    await claimNextJob({ workerId: "w-a", leaseMs: LEASE }),
    null,
    "a canceled job is never claimed",
  );
  const next = await manual();
  assert.notEqual(next.id, created.id);
});

test("cancel of a finished job is a 409 UserError; of an unknown job a 404; a repeated cancel is harmless", async () => {
  const created = await manual();
  await cancelJob({ jobId: created.id });
  await assert.rejects(
    cancelJob({ jobId: created.id }),
    (e: unknown) =>
      e instanceof UserError && e.status === 409 && /already finished \(canceled\)/.test(e.message),
  );

  const other = await manual();
  const c = await claimNextJob({ workerId: "w-a", leaseMs: LEASE });
  assert.ok(c);
  await finishJob({
    lease: { jobId: c.id, workerId: "w-a", epoch: c.epoch, leaseMs: LEASE },
    status: "success",
  });
  await assert.rejects(
    cancelJob({ jobId: other.id }),
    (e: unknown) => e instanceof UserError && e.status === 409,
  );
  await assert.rejects(
    cancelJob({ jobId: "00000000-0000-0000-0000-000000000000" }),
    (e: unknown) => e instanceof UserError && e.status === 404,
  );

  const running = await manual();
  assert.ok(await claimNextJob({ workerId: "w-b", leaseMs: LEASE }));
  assert.deepEqual(await cancelJob({ jobId: running.id }), {
    before: "in_progress",
    after: "cancel_requested",
  });
  assert.deepEqual(await cancelJob({ jobId: running.id }), {
    before: "cancel_requested",
    after: "cancel_requested",
  });
});

test("8 workers claiming one pending job at once: exactly one wins (20 rounds)", async () => {
  for (let round = 0; round < 20; round++) {
    const created = await manual();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimNextJob({ workerId: `r${round}-w${i}`, leaseMs: LEASE }),
      ),
    );
    const winners = results.filter((r) => r !== null);
    assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
    const w = winners[0]!;
    assert.equal(w.id, created.id);
    assert.equal(w.epoch, 1);
    const row = await job(created.id);
    assert.equal(row.leaseEpoch, 1, `round ${round}: one epoch increment`);
    assert.equal(row.attempts, 1, `round ${round}: one attempt`);
    assert.equal(row.leaseOwner, `r${round}-w${results.indexOf(w)}`);
    // Hand the slot back for the next round.
    await finishJob({
      lease: { jobId: w.id, workerId: row.leaseOwner!, epoch: w.epoch, leaseMs: LEASE },
      status: "success",
    });
  }
  assert.equal(await db().exportJob.count({ where: { status: "success" } }), 20);
});

test("8 workers racing for one expired job: exactly one takes it over (20 rounds)", async () => {
  const created = await manual();
  let epoch = 0;
  let now = Date.now();
  for (let round = 0; round < 20; round++) {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimNextJob({ workerId: `x${round}-w${i}`, leaseMs: LEASE, now: new Date(now) }),
      ),
    );
    const winners = results.filter((r) => r !== null);
    assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
    assert.equal(winners[0]!.epoch, epoch + 1);
    epoch += 1;
    now += LEASE + 1;
  }
  const row = await job(created.id);
  assert.equal(row.leaseEpoch, 20);
  assert.equal(row.attempts, 20);
});
