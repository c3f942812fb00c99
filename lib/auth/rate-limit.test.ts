import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { consumeRateLimit, SMTP_TEST_LIMIT } from "./rate-limit.ts";

// Issue 11 item 17: "Test connection" and "Send test email" may not be used as a port scanner:
// a few attempts per admin per window, counted in the database so every instance shares them.

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

const T = new Date("2026-06-01T12:00:00.000Z");

test("the limit holds per key within the window, concurrent attempts included, and resets after it", async () => {
  const key = "smtp-test:admin-a";
  const results = await Promise.all(
    Array.from({ length: SMTP_TEST_LIMIT.limit + 3 }, () =>
      consumeRateLimit({ key, ...SMTP_TEST_LIMIT, now: T }),
    ),
  );
  assert.equal(results.filter((r) => r.ok).length, SMTP_TEST_LIMIT.limit);
  const refused = results.find((r) => !r.ok)!;
  assert.ok(
    refused.retryAfterSeconds > 0 && refused.retryAfterSeconds <= SMTP_TEST_LIMIT.windowMs / 1000,
    String(refused.retryAfterSeconds),
  );
  // Another admin has their own allowance.
  assert.equal(
    (await consumeRateLimit({ key: "smtp-test:admin-b", ...SMTP_TEST_LIMIT, now: T })).ok,
    true,
  );
  // After the window, a fresh one.
  assert.equal(
    (
      await consumeRateLimit({
        key,
        ...SMTP_TEST_LIMIT,
        now: new Date(T.getTime() + SMTP_TEST_LIMIT.windowMs),
      })
    ).ok,
    true,
  );
});
