// Issue 15 item 10: concurrent ingest is never refused with "Operation has timed out": writers take
// turns in the process and wait for the database lock within a bounded budget; past it, a
// DatabaseBusyError (503 with Retry-After at the API) and nothing is written.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { resetEnvForTests } from "../config/env.ts";
import { databaseProvider, db } from "../db/client.ts";
import { parseDatabaseUrl } from "../config/database-url.ts";
import { DatabaseBusyError } from "../db/write-connection.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runJob } from "../worker/run-job.ts";
import { applyRecords } from "./apply-records.ts";
import { T0, channel, post, team, user } from "./test-records.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 50, ExportFromTimestamp: T0 - 86_400_000 });
});
after(async () => {
  delete process.env.CUSTODIAN_INGEST_LOCK_WAIT_SECONDS;
  resetEnvForTests();
  await t.cleanup();
});

test("eight concurrent ingest requests while an export runs: every one applies, every post is stored", async () => {
  assert.ok((await applyRecords({ records: [team, channel, user] })).ok);
  const requests = Array.from({ length: 8 }, (_, r) =>
    Array.from({ length: 300 }, (_, i) =>
      post(`cc-${r}-${i}`, { create_at: T0 + r * 1000 + i, update_at: T0 + r * 1000 + i }),
    ),
  );
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-cc", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const [status, ...results] = await Promise.all([
    runJob({ claimed, workerId: "w-cc", leaseMs: 60_000 }),
    ...requests.map((records) => applyRecords({ records })),
  ]);
  assert.ok(status === "success" || status === "warning", String(status));
  for (const result of results) assert.ok(result.ok, JSON.stringify(result).slice(0, 500));
  assert.equal(await db().post.count({ where: { id: { startsWith: "cc-" } } }), 8 * 300);
});

/** Another process's writer holding the database's write lock (SQLite) or the feed counter (PostgreSQL). */
async function holdWriteLock(): Promise<{ release: () => Promise<void> }> {
  if (databaseProvider() === "sqlite") {
    const conn = new Database((parseDatabaseUrl(t.url) as { file: string }).file);
    conn.exec("BEGIN IMMEDIATE");
    return { release: async () => void (conn.exec("ROLLBACK"), conn.close()) };
  }
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("SELECT custodian_feed_stamp()");
  return { release: async () => void (await client.query("ROLLBACK"), await client.end()) };
}

test("a writer holding the lock past the budget: DatabaseBusyError, nothing written; once it lets go, the same request applies", async () => {
  process.env.CUSTODIAN_INGEST_LOCK_WAIT_SECONDS = "1";
  resetEnvForTests();
  const held = await holdWriteLock();
  const records = [post("busy-1"), post("busy-2")];
  try {
    const started = Date.now();
    await assert.rejects(applyRecords({ records }), DatabaseBusyError);
    assert.ok(Date.now() - started >= 900, "it waited for the lock first");
  } finally {
    await held.release();
  }
  assert.equal(await db().post.count({ where: { id: { startsWith: "busy-" } } }), 0);
  // A writer that lets go within the budget is waited for.
  process.env.CUSTODIAN_INGEST_LOCK_WAIT_SECONDS = "10";
  resetEnvForTests();
  const again = await holdWriteLock();
  const applying = applyRecords({ records });
  setTimeout(() => void again.release(), 300);
  assert.ok((await applying).ok);
  assert.equal(await db().post.count({ where: { id: { startsWith: "busy-" } } }), 2);
});
