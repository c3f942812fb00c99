import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { resetEnvForTests } from "../config/env.ts";
import { enqueueExportJob, JobAlreadyActiveError } from "../jobs/enqueue-job.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import { JOB_STATUSES } from "../jobs/job-status.ts";
import {
  ExportFixture,
  jobExportDir,
  postRows,
  readExportRows,
  setExportSettings,
} from "../testing/export-fixtures.ts";
import { createExportRequest } from "./create-export-request.ts";
import { listExportRequests } from "./list-export-requests.ts";
import {
  MAX_REQUEST_DAYS,
  REQUEST_STATUS_LABELS,
  requestStatusLabel,
  ZExportRequestInput,
} from "./schema.ts";

// Issue 5 "Requests": whole local days in the requester's zone, at most six months, not in the
// future, start ≤ end, a known format; a ranged job that never moves the daily cursor; status labels.

let t: TestDatabase;
before(async () => {
  process.env.CUSTODIAN_RETENTION_DAYS = "30";
  t = await useTestDatabase();
  resetEnvForTests();
});
after(async () => t.cleanup());

const DAY = 86_400_000;

/** YYYY-MM-DD of an instant in a zone. */
const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
/** A calendar date plus n days (pure date arithmetic). */
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** The field errors of a parse, as { path: first message }. */
function errorsOf(input: Record<string, unknown>): Record<string, string> {
  const r = ZExportRequestInput.safeParse(input);
  if (r.success) return {};
  const out: Record<string, string> = {};
  for (const i of r.error.issues) out[i.path.join(".") || "_form"] ??= i.message;
  return out;
}

describe("ZExportRequestInput", () => {
  const zone = "Europe/Berlin";
  const today = localDate(new Date(), zone);
  const ok = {
    startDate: addDays(today, -10),
    endDate: addDays(today, -3),
    timeZone: zone,
    format: "csv",
  };

  test("valid requests pass and come back unchanged", () => {
    for (const input of [
      ok,
      { ...ok, startDate: today, endDate: today },
      { ...ok, startDate: addDays(today, -1), endDate: addDays(today, -1), format: "actiance" },
      { ...ok, format: "json" },
      { ...ok, format: "globalrelay-zip" },
      { startDate: "2024-02-29", endDate: "2024-03-01", timeZone: "Asia/Tokyo", format: "csv" },
      {
        startDate: "2025-01-01",
        endDate: addDays("2025-01-01", MAX_REQUEST_DAYS - 1),
        timeZone: "UTC",
        format: "csv",
      },
    ]) {
      const r = ZExportRequestInput.safeParse(input);
      assert.ok(r.success, `${JSON.stringify(input)}: ${JSON.stringify(r.error?.issues)}`);
      assert.deepEqual(
        r.data,
        { select: "created", ...input },
        "a request selects by creation unless told",
      );
    }
  });

  test("exactly 184 days is accepted, 185 is refused with the day count", () => {
    assert.equal(MAX_REQUEST_DAYS, 184);
    const end = addDays(today, -1);
    assert.deepEqual(errorsOf({ ...ok, startDate: addDays(end, -183), endDate: end }), {});
    const over = errorsOf({ ...ok, startDate: addDays(end, -184), endDate: end });
    assert.deepEqual(Object.keys(over), ["endDate"]);
    assert.match(over.endDate!, /185/);
    assert.deepEqual(
      Object.keys(errorsOf({ ...ok, startDate: "2024-01-01", endDate: "2025-01-01" })),
      ["endDate"],
    );
  });

  // [name, input patch, fields that must carry an error]
  const bad: Array<[string, Record<string, unknown>, string[]]> = [
    [
      "end before start",
      { startDate: addDays(today, -3), endDate: addDays(today, -4) },
      ["endDate"],
    ],
    [
      "start tomorrow",
      { startDate: addDays(today, 1), endDate: addDays(today, 1) },
      ["startDate", "endDate"],
    ],
    ["end tomorrow", { startDate: addDays(today, -2), endDate: addDays(today, 1) }, ["endDate"]],
    ["far future", { startDate: "2999-01-01", endDate: "2999-01-02" }, ["startDate", "endDate"]],
    ["unknown format", { format: "pdf" }, ["format"]],
    ["format in capitals", { format: "CSV" }, ["format"]],
    ["empty format", { format: "" }, ["format"]],
    // Issue 11 item 19: the SMTP-delivered format writes no file a requester could download.
    ["globalrelay (mailed, no file)", { format: "globalrelay" }, ["format"]],
    ["February 30th", { startDate: "2026-02-30" }, ["startDate"]],
    ["February 29th of a common year", { endDate: "2025-02-29" }, ["endDate"]],
    ["month 13", { startDate: "2025-13-01" }, ["startDate"]],
    ["day 00", { startDate: "2025-01-00" }, ["startDate"]],
    ["unpadded month", { startDate: "2026-2-1" }, ["startDate"]],
    ["slashes", { endDate: "2026/02/01" }, ["endDate"]],
    ["a time attached", { startDate: "2025-01-01T00:00" }, ["startDate"]],
    ["trailing newline", { startDate: "2025-01-01\n" }, ["startDate"]],
    ["two-digit year", { startDate: "25-01-01" }, ["startDate"]],
    ["year 0099 (Date.UTC maps it to 1999)", { startDate: "0099-01-01" }, ["startDate"]],
    ["empty dates", { startDate: "", endDate: "" }, ["startDate", "endDate"]],
    ["a number, not a string", { startDate: 20250101 }, ["startDate"]],
    ["unknown time zone", { timeZone: "Mars/Olympus_Mons" }, ["timeZone"]],
    ["empty time zone", { timeZone: "" }, ["timeZone"]],
    ["over-long time zone", { timeZone: "A".repeat(65) }, ["timeZone"]],
  ];
  for (const [name, patch, fields] of bad) {
    test(`refused: ${name}`, () => {
      const errors = errorsOf({ ...ok, ...patch });
      assert.deepEqual(Object.keys(errors).sort(), [...fields].sort(), JSON.stringify(errors));
    });
  }

  test("messages say what is wrong", () => {
    assert.match(
      errorsOf({ ...ok, startDate: addDays(today, -3), endDate: addDays(today, -4) }).endDate!,
      /before the start/,
    );
    assert.match(
      errorsOf({ ...ok, startDate: addDays(today, 1), endDate: addDays(today, 1) }).startDate!,
      /future/,
    );
    assert.match(errorsOf({ ...ok, timeZone: "Nowhere/Land" }).timeZone!, /time zone/i);
  });

  test("unknown keys are refused (strict)", () => {
    assert.ok(!ZExportRequestInput.safeParse({ ...ok, requesterId: "someone-else" }).success);
  });

  test("'today' is the requester's today: a date already begun in Kiritimati (UTC+14) is in the future in Pago Pago (UTC-11)", () => {
    const kiritimatiToday = localDate(new Date(), "Pacific/Kiritimati");
    assert.deepEqual(
      errorsOf({
        ...ok,
        startDate: kiritimatiToday,
        endDate: kiritimatiToday,
        timeZone: "Pacific/Kiritimati",
      }),
      {},
    );
    assert.deepEqual(
      Object.keys(
        errorsOf({
          ...ok,
          startDate: kiritimatiToday,
          endDate: kiritimatiToday,
          timeZone: "Pacific/Pago_Pago",
        }),
      ).sort(),
      ["endDate", "startDate"],
    );
  });
});

describe("createExportRequest", () => {
  const requester = { requesterId: randomUUID(), requesterEmail: "req@example.com" };
  const windowOf = async (id: string) => {
    const row = await db().exportJob.findUniqueOrThrow({ where: { id } });
    const data = JSON.parse(row.data) as { format: string; window: { start: number; end: number } };
    return { start: data.window.start, end: data.window.end, row, data };
  };
  const NOW = new Date("2026-12-01T12:00:00Z");

  test("Asia/Tokyo: local midnight of the first day to the last millisecond of the last day", async () => {
    const job = await createExportRequest({
      ...requester,
      startDate: "2026-01-10",
      endDate: "2026-01-12",
      timeZone: "Asia/Tokyo",
      format: "csv",
      now: NOW,
    });
    const w = await windowOf(job.id);
    assert.equal(w.start, Date.parse("2026-01-09T15:00:00.000Z"));
    assert.equal(w.end, Date.parse("2026-01-12T14:59:59.999Z"));
    assert.equal(w.data.format, "csv");
    assert.equal(w.row.trigger, "request");
  });

  test("America/New_York: a 23-hour spring-forward day and a 25-hour fall-back day", async () => {
    const spring = await windowOf(
      (
        await createExportRequest({
          ...requester,
          startDate: "2026-03-08",
          endDate: "2026-03-08",
          timeZone: "America/New_York",
          format: "csv",
          now: NOW,
        })
      ).id,
    );
    assert.equal(spring.start, Date.parse("2026-03-08T05:00:00.000Z"), "EST midnight");
    assert.equal(spring.end, Date.parse("2026-03-09T03:59:59.999Z"), "EDT midnight − 1 ms");
    assert.equal(spring.end + 1 - spring.start, 23 * 3600_000);

    const fall = await windowOf(
      (
        await createExportRequest({
          ...requester,
          startDate: "2026-11-01",
          endDate: "2026-11-01",
          timeZone: "America/New_York",
          format: "actiance",
          now: NOW,
        })
      ).id,
    );
    assert.equal(fall.start, Date.parse("2026-11-01T04:00:00.000Z"), "EDT midnight");
    assert.equal(fall.end, Date.parse("2026-11-02T04:59:59.999Z"), "EST midnight − 1 ms");
    assert.equal(fall.end + 1 - fall.start, 25 * 3600_000);

    const across = await windowOf(
      (
        await createExportRequest({
          ...requester,
          startDate: "2026-03-01",
          endDate: "2026-03-31",
          timeZone: "America/New_York",
          format: "csv",
          now: NOW,
        })
      ).id,
    );
    assert.equal(across.start, Date.parse("2026-03-01T05:00:00.000Z"));
    assert.equal(across.end, Date.parse("2026-04-01T03:59:59.999Z"));
    assert.equal(across.end + 1 - across.start, 31 * DAY - 3600_000);
  });

  test("a request that includes today ends now, not at midnight", async () => {
    const now = new Date("2026-06-15T08:30:00.000Z"); // 17:30 in Tokyo on 2026-06-15
    const w = await windowOf(
      (
        await createExportRequest({
          ...requester,
          startDate: "2026-06-14",
          endDate: "2026-06-15",
          timeZone: "Asia/Tokyo",
          format: "csv",
          now,
        })
      ).id,
    );
    assert.equal(w.start, Date.parse("2026-06-13T15:00:00.000Z"));
    assert.equal(w.end, now.getTime());
    // In New York it is still 2026-06-15 04:30: the same "today" ends at that instant too.
    const ny = await windowOf(
      (
        await createExportRequest({
          ...requester,
          startDate: "2026-06-15",
          endDate: "2026-06-15",
          timeZone: "America/New_York",
          format: "csv",
          now,
        })
      ).id,
    );
    assert.equal(ny.start, Date.parse("2026-06-15T04:00:00.000Z"));
    assert.equal(ny.end, now.getTime());
  });

  test("a ranged job with trigger request that never holds the daily slot: two requests coexist with a daily job", async () => {
    await db().exportJob.deleteMany({});
    const daily = await enqueueExportJob({
      trigger: "scheduled",
      initiatedBy: "",
      initiatedByLabel: "scheduler",
      format: "csv",
    });
    assert.equal(daily.activeSlot, "default");
    const a = await createExportRequest({
      ...requester,
      startDate: "2026-01-01",
      endDate: "2026-01-31",
      timeZone: "UTC",
      format: "csv",
      now: NOW,
    });
    const b = await createExportRequest({
      ...requester,
      startDate: "2026-01-01",
      endDate: "2026-01-31",
      timeZone: "UTC",
      format: "csv",
      now: NOW,
    });
    for (const job of [a, b]) {
      assert.equal(job.trigger, "request");
      assert.equal(job.movesCursor, false);
      assert.equal(job.activeSlot, null);
      assert.equal(job.dailySlot, null);
      assert.equal(job.status, "pending");
      assert.equal(job.initiatedBy, requester.requesterId);
      assert.equal(job.initiatedByLabel, requester.requesterEmail);
    }
    assert.notEqual(a.id, b.id);
    assert.equal(await db().exportJob.count({ where: { status: "pending" } }), 3);
    // The daily slot is still held by the daily job alone.
    await assert.rejects(
      enqueueExportJob({
        trigger: "manual",
        initiatedBy: "",
        initiatedByLabel: "x",
        format: "csv",
      }),
      JobAlreadyActiveError,
    );
    await db().exportJob.deleteMany({});
  });

  test("run to the end, a request exports exactly its local days and leaves the daily cursor where it was", async () => {
    await db().exportJob.deleteMany({});
    await setExportSettings({ BatchSize: 50, TimeZone: "UTC" });
    const fx = new ExportFixture("requests");
    await fx.insertWorkspace();
    // Tokyo 2025-01-02 is [2025-01-01T15:00Z, 2025-01-02T15:00Z).
    const start = Date.parse("2025-01-01T15:00:00.000Z");
    const end = Date.parse("2025-01-02T15:00:00.000Z") - 1;
    const times = {
      beforeStart: start - 1,
      atStart: start,
      middle: start + 6 * 3600_000,
      atEnd: end,
      afterEnd: end + 1,
    };
    const posts = new Map<string, string>();
    for (const [name, at] of Object.entries(times))
      posts.set(name, (await fx.addPosts(1, { at }))[0]!.id);
    const cursor = {
      policyId: "default",
      lastUpdateAt: BigInt(start + 3600_000),
      lastPostId: "cursor-post",
      jobId: "earlier-daily-job",
    };
    await db().exportCursor.create({ data: cursor });

    const job = await createExportRequest({
      ...requester,
      startDate: "2025-01-02",
      endDate: "2025-01-02",
      timeZone: "Asia/Tokyo",
      format: "csv",
    });
    const claimed = await claimNextJob({ workerId: "w-req", leaseMs: 60_000, jobId: job.id });
    assert.ok(claimed);
    assert.equal(await workJob({ claimed, workerId: "w-req", leaseMs: 60_000 }), "success");

    const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
    assert.equal(row.status, "success", row.error);
    assert.equal(Number(row.windowStart), start);
    assert.equal(Number(row.windowEnd), end);
    const exported = new Set(
      postRows(await readExportRows(await jobExportDir(job.id))).map((r) => r.postId),
    );
    assert.deepEqual(
      [...exported].sort(),
      [posts.get("atStart"), posts.get("middle"), posts.get("atEnd")].sort(),
      "the first and last millisecond are in, one either side is out",
    );

    const after = await db().exportCursor.findUniqueOrThrow({ where: { policyId: "default" } });
    assert.deepEqual(
      {
        policyId: after.policyId,
        lastUpdateAt: after.lastUpdateAt,
        lastPostId: after.lastPostId,
        jobId: after.jobId,
      },
      cursor,
      "the daily cursor did not move",
    );

    const listed = (await listExportRequests()).find((r) => r.id === job.id)!;
    assert.equal(listed.requestStatus, "Completed");
    assert.equal(listed.downloadable, true);
    assert.equal(listed.windowStart, start);
    assert.equal(listed.windowEnd, end);
  });
});

describe("request status labels", () => {
  test("requestStatusLabel maps every job status, and expiry wins", () => {
    const expected: Record<string, string> = {
      pending: "Accepted",
      in_progress: "In progress",
      cancel_requested: "In progress",
      success: "Completed",
      warning: "Completed",
      error: "Failed",
      canceled: "Failed",
    };
    assert.deepEqual(
      Object.keys(expected).sort(),
      [...JOB_STATUSES].sort(),
      "every status is covered",
    );
    for (const status of JOB_STATUSES) {
      assert.equal(requestStatusLabel(status, false), expected[status], status);
      assert.equal(requestStatusLabel(status, true), "Expired", status);
    }
    assert.deepEqual(
      [...REQUEST_STATUS_LABELS],
      ["Accepted", "In progress", "Completed", "Failed", "Expired"],
    );
  });

  test("listExportRequests: only requests, newest first, each with its label (Completed turns Expired after 30 days)", async () => {
    await db().exportJob.deleteMany({});
    const now = new Date("2026-05-01T12:00:00Z");
    const base = now.getTime() - 60 * DAY;
    let n = 0;
    const insert = async (
      status: string,
      extra: {
        finishedAt?: Date;
        trigger?: string;
        filesDeletedAt?: Date;
        legalHold?: boolean;
      } = {},
    ) => {
      const id = randomUUID();
      await db().exportJob.create({
        data: {
          id,
          trigger: extra.trigger ?? "request",
          status,
          format: "csv",
          movesCursor: false,
          createdAt: new Date(base + ++n * 1000),
          finishedAt: extra.finishedAt ?? null,
          filesDeletedAt: extra.filesDeletedAt ?? null,
          legalHold: extra.legalHold ?? false,
          exportDir: `dir-${id}`,
          batchesWritten: status === "success" || status === "warning" ? 1 : 0,
        },
      });
      return id;
    };
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const ids = {
      accepted: await insert("pending"),
      running: await insert("in_progress"),
      completed: await insert("success", { finishedAt: ago(29) }),
      warned: await insert("warning", { finishedAt: ago(1) }),
      failed: await insert("error", { finishedAt: ago(2) }),
      oldFailed: await insert("error", { finishedAt: ago(90) }),
      canceled: await insert("canceled", { finishedAt: ago(2) }),
      expired: await insert("success", { finishedAt: ago(31) }),
      justExpired: await insert("success", { finishedAt: ago(30) }),
      swept: await insert("success", { finishedAt: ago(3), filesDeletedAt: ago(1) }),
      held: await insert("success", { finishedAt: ago(200), legalHold: true }),
    };
    await insert("success", { finishedAt: ago(1), trigger: "scheduled" });

    const list = await listExportRequests({ now });
    assert.equal(list.length, Object.keys(ids).length, "the daily job is not a request");
    assert.deepEqual(
      list.map((r) => r.id),
      Object.values(ids).reverse(),
      "newest first",
    );
    const label = Object.fromEntries(
      Object.entries(ids).map(([k, id]) => [k, list.find((r) => r.id === id)!.requestStatus]),
    );
    assert.deepEqual(label, {
      accepted: "Accepted",
      running: "In progress",
      completed: "Completed",
      warned: "Completed",
      failed: "Failed",
      oldFailed: "Failed",
      canceled: "Failed",
      expired: "Expired",
      justExpired: "Expired",
      swept: "Expired",
      held: "Completed",
    });
    const completed = list.find((r) => r.id === ids.completed)!;
    assert.equal(completed.expiresAt, ago(29).getTime() + 30 * DAY);
    assert.equal(list.find((r) => r.id === ids.held)!.expiresAt, null, "legal hold never expires");
  });
});
