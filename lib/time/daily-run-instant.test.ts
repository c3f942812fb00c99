import assert from "node:assert/strict";
import { test } from "node:test";
import { dailyRunInstant, localDateOf, previousDate } from "./daily-run-instant.ts";

const NY = "America/New_York";

test("a normal day: 02:30 New York is 07:30 UTC in winter, 06:30 in summer", () => {
  assert.equal(
    dailyRunInstant({ year: 2026, month: 1, day: 15 }, "02:30", NY).toISOString(),
    "2026-01-15T07:30:00.000Z",
  );
  assert.equal(
    dailyRunInstant({ year: 2026, month: 7, day: 15 }, "02:30", NY).toISOString(),
    "2026-07-15T06:30:00.000Z",
  );
});

test("a time skipped by spring-forward (02:30 on 2026-03-08) runs once, at 03:00 local", () => {
  const at = dailyRunInstant({ year: 2026, month: 3, day: 8 }, "02:30", NY);
  assert.equal(at.toISOString(), "2026-03-08T07:00:00.000Z");
  assert.deepEqual(localDateOf(at, NY), { year: 2026, month: 3, day: 8 });
});

test("a time repeated by fall-back (01:30 on 2026-11-01) runs at its first occurrence (EDT)", () => {
  assert.equal(
    dailyRunInstant({ year: 2026, month: 11, day: 1 }, "01:30", NY).toISOString(),
    "2026-11-01T05:30:00.000Z",
  );
});

test("UTC and a half-hour zone", () => {
  assert.equal(
    dailyRunInstant({ year: 2026, month: 6, day: 1 }, "00:00", "UTC").toISOString(),
    "2026-06-01T00:00:00.000Z",
  );
  assert.equal(
    dailyRunInstant({ year: 2026, month: 6, day: 1 }, "23:59", "Asia/Kolkata").toISOString(),
    "2026-06-01T18:29:00.000Z",
  );
});

test("previousDate crosses month and year ends", () => {
  assert.deepEqual(previousDate({ year: 2026, month: 1, day: 1 }), {
    year: 2025,
    month: 12,
    day: 31,
  });
  assert.deepEqual(previousDate({ year: 2024, month: 3, day: 1 }), {
    year: 2024,
    month: 2,
    day: 29,
  });
});
