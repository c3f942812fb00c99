// Policy schedules across both 2026 DST changes in America/New_York and Europe/Berlin, with three
// scheduler instances racing on every tick: exactly one job per slot, at the expected instants
// (written out here by hand, not computed by the code under test).
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { db } from "../db/client.ts";
import { cancelJob } from "../jobs/cancel-job.ts";
import { ZPolicyInput } from "../policies/policy-schema.ts";
import { createPolicy } from "../policies/save-policy.ts";
import { slotsBetween } from "../policies/schedule.ts";
import type { Policy } from "../policies/policy-store.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { schedulePolicyRuns } from "./schedule-policy-runs.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());
beforeEach(async () => {
  await db().exportJob.deleteMany();
  await db().exportPolicy.deleteMany({ where: { id: { not: "default" } } });
});

const SCHEDULES = {
  daily: { kind: "daily", at: "02:30" },
  weekly: { kind: "weekly", days: ["sun", "mon"], at: "01:30" },
  hours: { kind: "hours", every: 6 },
  cron: { kind: "cron", expression: "30 2 * * *" },
} as const;

async function makePolicies(
  timeZone: string,
  from: Date,
): Promise<Record<keyof typeof SCHEDULES, Policy>> {
  const out = {} as Record<keyof typeof SCHEDULES, Policy>;
  for (const [name, schedule] of Object.entries(SCHEDULES) as Array<
    [keyof typeof SCHEDULES, (typeof SCHEDULES)[keyof typeof SCHEDULES]]
  >) {
    out[name] = (
      await createPolicy({
        input: ZPolicyInput.parse({
          name: `${name} ${timeZone.replace("/", " ")}`,
          format: "csv",
          target: "local",
          schedule,
          timeZone,
        }),
        now: from,
      })
    ).after;
  }
  return out;
}

/** Every 30 minutes from `from` to `to`, three instances at once; each new job is settled (canceled) before the next tick, as a worker would finish it. */
async function tickThrough(from: Date, to: Date): Promise<void> {
  for (let ms = from.getTime(); ms <= to.getTime(); ms += 30 * 60_000) {
    const results = (
      await Promise.all([0, 1, 2].map((k) => schedulePolicyRuns({ now: new Date(ms + k) })))
    ).flat();
    for (const r of results) if (r.created) await cancelJob({ jobId: r.created });
  }
}

async function slotsOf(policy: Policy): Promise<string[]> {
  const jobs = await db().exportJob.findMany({
    where: { policyId: policy.id },
    select: { dailySlot: true },
  });
  return jobs.map((j) => j.dailySlot!.slice(policy.id.length + 1)).sort();
}

const CASES = [
  {
    zone: "America/New_York",
    change: "spring forward, Sunday 2026-03-08 02:00 EST → 03:00 EDT",
    from: "2026-03-06T12:00:00Z",
    to: "2026-03-10T12:00:00Z",
    // 02:30 does not exist on the 8th: the run is at the first minute after the gap (03:00 EDT = 07:00Z).
    daily: {
      "2026-03-07": "2026-03-07T07:30:00Z",
      "2026-03-08": "2026-03-08T07:00:00Z",
      "2026-03-09": "2026-03-09T06:30:00Z",
      "2026-03-10": "2026-03-10T06:30:00Z",
    },
    weekly: ["2026-03-08", "2026-03-09"],
    hours: [
      "2026-03-06T17:00:00.000Z",
      "2026-03-06T23:00:00.000Z",
      "2026-03-07T05:00:00.000Z",
      "2026-03-07T11:00:00.000Z",
      "2026-03-07T17:00:00.000Z",
      "2026-03-07T23:00:00.000Z",
      "2026-03-08T05:00:00.000Z",
      "2026-03-08T10:00:00.000Z",
      "2026-03-08T16:00:00.000Z",
      "2026-03-08T22:00:00.000Z",
      "2026-03-09T04:00:00.000Z",
      "2026-03-09T10:00:00.000Z",
      "2026-03-09T16:00:00.000Z",
      "2026-03-09T22:00:00.000Z",
      "2026-03-10T04:00:00.000Z",
      "2026-03-10T10:00:00.000Z",
    ],
    cron: [
      "2026-03-07T07:30:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-09T06:30:00.000Z",
      "2026-03-10T06:30:00.000Z",
    ],
  },
  {
    zone: "America/New_York",
    change: "fall back, Sunday 2026-11-01 02:00 EDT → 01:00 EST",
    from: "2026-10-30T12:00:00Z",
    to: "2026-11-03T12:00:00Z",
    daily: {
      "2026-10-31": "2026-10-31T06:30:00Z",
      "2026-11-01": "2026-11-01T07:30:00Z",
      "2026-11-02": "2026-11-02T07:30:00Z",
      "2026-11-03": "2026-11-03T07:30:00Z",
    },
    // 01:30 happens twice on the 1st: one run, at the first.
    weekly: ["2026-11-01", "2026-11-02"],
    hours: [
      "2026-10-30T16:00:00.000Z",
      "2026-10-30T22:00:00.000Z",
      "2026-10-31T04:00:00.000Z",
      "2026-10-31T10:00:00.000Z",
      "2026-10-31T16:00:00.000Z",
      "2026-10-31T22:00:00.000Z",
      "2026-11-01T04:00:00.000Z",
      "2026-11-01T11:00:00.000Z",
      "2026-11-01T17:00:00.000Z",
      "2026-11-01T23:00:00.000Z",
      "2026-11-02T05:00:00.000Z",
      "2026-11-02T11:00:00.000Z",
      "2026-11-02T17:00:00.000Z",
      "2026-11-02T23:00:00.000Z",
      "2026-11-03T05:00:00.000Z",
      "2026-11-03T11:00:00.000Z",
    ],
    cron: [
      "2026-10-31T06:30:00.000Z",
      "2026-11-01T07:30:00.000Z",
      "2026-11-02T07:30:00.000Z",
      "2026-11-03T07:30:00.000Z",
    ],
  },
  {
    zone: "Europe/Berlin",
    change: "spring forward, Sunday 2026-03-29 02:00 CET → 03:00 CEST",
    from: "2026-03-27T12:00:00Z",
    to: "2026-03-31T12:00:00Z",
    daily: {
      "2026-03-28": "2026-03-28T01:30:00Z",
      "2026-03-29": "2026-03-29T01:00:00Z",
      "2026-03-30": "2026-03-30T00:30:00Z",
      "2026-03-31": "2026-03-31T00:30:00Z",
    },
    weekly: ["2026-03-29", "2026-03-30"],
    hours: [
      "2026-03-27T17:00:00.000Z",
      "2026-03-27T23:00:00.000Z",
      "2026-03-28T05:00:00.000Z",
      "2026-03-28T11:00:00.000Z",
      "2026-03-28T17:00:00.000Z",
      "2026-03-28T23:00:00.000Z",
      "2026-03-29T04:00:00.000Z",
      "2026-03-29T10:00:00.000Z",
      "2026-03-29T16:00:00.000Z",
      "2026-03-29T22:00:00.000Z",
      "2026-03-30T04:00:00.000Z",
      "2026-03-30T10:00:00.000Z",
      "2026-03-30T16:00:00.000Z",
      "2026-03-30T22:00:00.000Z",
      "2026-03-31T04:00:00.000Z",
      "2026-03-31T10:00:00.000Z",
    ],
    cron: [
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
      "2026-03-31T00:30:00.000Z",
    ],
  },
  {
    zone: "Europe/Berlin",
    change: "fall back, Sunday 2026-10-25 03:00 CEST → 02:00 CET",
    from: "2026-10-23T12:00:00Z",
    to: "2026-10-27T12:00:00Z",
    // 02:30 happens twice on the 25th: one run, at the first (CEST, 00:30Z).
    daily: {
      "2026-10-24": "2026-10-24T00:30:00Z",
      "2026-10-25": "2026-10-25T00:30:00Z",
      "2026-10-26": "2026-10-26T01:30:00Z",
      "2026-10-27": "2026-10-27T01:30:00Z",
    },
    weekly: ["2026-10-25", "2026-10-26"],
    hours: [
      "2026-10-23T16:00:00.000Z",
      "2026-10-23T22:00:00.000Z",
      "2026-10-24T04:00:00.000Z",
      "2026-10-24T10:00:00.000Z",
      "2026-10-24T16:00:00.000Z",
      "2026-10-24T22:00:00.000Z",
      "2026-10-25T05:00:00.000Z",
      "2026-10-25T11:00:00.000Z",
      "2026-10-25T17:00:00.000Z",
      "2026-10-25T23:00:00.000Z",
      "2026-10-26T05:00:00.000Z",
      "2026-10-26T11:00:00.000Z",
      "2026-10-26T17:00:00.000Z",
      "2026-10-26T23:00:00.000Z",
      "2026-10-27T05:00:00.000Z",
      "2026-10-27T11:00:00.000Z",
    ],
    cron: [
      "2026-10-24T00:30:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
      "2026-10-27T01:30:00.000Z",
    ],
  },
];

for (const c of CASES) {
  test(`${c.zone}, ${c.change}: daily, weekly, every 6 hours and cron, three instances: one job per slot`, async () => {
    const from = new Date(c.from);
    const to = new Date(c.to);
    const p = await makePolicies(c.zone, from);
    await tickThrough(from, to);
    const dailyRuns = Object.entries(c.daily) as Array<[string, string]>;
    const daily = dailyRuns
      .filter(([, at]) => new Date(at) <= to && new Date(at) > from)
      .map(([d]) => d);
    assert.deepEqual(
      await slotsOf(p.daily),
      daily.sort(),
      "daily: one job per local date, keyed as the single daily export was",
    );
    for (const [date, at] of dailyRuns) {
      const slot = slotsBetween(p.daily.id, p.daily.schedule, c.zone, from, to).find((s) =>
        s.key.endsWith(date),
      );
      if (new Date(at) > from && new Date(at) <= to)
        assert.equal(
          slot?.at.toISOString(),
          new Date(at).toISOString(),
          `daily ${date} runs at ${at}`,
        );
    }
    assert.deepEqual(await slotsOf(p.weekly), c.weekly, "weekly on Sunday and Monday");
    assert.deepEqual(await slotsOf(p.hours), c.hours, "every 6 hours, at local 00/06/12/18");
    assert.deepEqual(await slotsOf(p.cron), c.cron, "cron 30 2 * * *");
    const jobs = await db().exportJob.findMany({ where: { policyId: { not: "default" } } });
    assert.equal(new Set(jobs.map((j) => j.dailySlot)).size, jobs.length, "no slot twice");
  });
}
