// Issue 11 item 6: while the ingest thread holds SQLite's write lock, the main thread's writes wait
// for the write gate asynchronously (the event loop keeps turning) instead of in SQLite's busy
// handler, which blocks the thread (and, past its timeout, fails the write).
import assert from "node:assert/strict";
import { setImmediate as tick, setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { parseDatabaseUrl } from "../config/database-url.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { databaseProvider, db } from "./client.ts";
import { withIngestTransaction } from "../ingest/with-ingest-transaction.ts";
import { createWriteGate, takeIngestTurn, writeGate } from "./sqlite-write-gate.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

/** A promise's outcome, readable without awaiting it. */
function watch<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

test("the gate: ingest writers wait for open transactions, then go one at a time before the waiting writes", async () => {
  const gate = createWriteGate();
  await gate.whenOpen();
  const leave = await gate.enterTransaction();
  const first = watch(gate.acquireForIngest());
  const second = watch(gate.acquireForIngest());
  const transaction = watch(gate.enterTransaction());
  const write = watch(gate.whenOpen());
  await tick();
  const done = () => [first.done, second.done, transaction.done, write.done];
  assert.deepEqual(done(), [false, false, false, false], "an open transaction keeps ingest out");
  assert.equal(gate.state.ingest, "waiting");
  leave();
  leave(); // twice is once
  await tick();
  assert.deepEqual(done(), [true, false, false, false]);
  assert.equal(gate.state.ingest, "holding");
  first.value!();
  await tick();
  assert.deepEqual(done(), [true, true, false, false], "the next ingest writer, then the writes");
  first.value!(); // twice is once: the second writer still holds the gate
  await tick();
  assert.deepEqual(done(), [true, true, false, false]);
  second.value!();
  await tick();
  assert.deepEqual(done(), [true, true, true, true]);
  assert.equal(gate.state.ingest, "none");
  assert.equal(gate.state.openTransactions, 1);
  transaction.value!();
  assert.equal(gate.state.openTransactions, 0);
});

test("a turn not granted by the deadline is refused, and handed back when it comes", async () => {
  const gate = writeGate();
  const leave = await gate.enterTransaction();
  assert.equal(await takeIngestTurn(Date.now() + 20), undefined);
  leave();
  await tick();
  assert.equal(gate.state.ingest, "none", "the late turn was handed back");
  const end = await takeIngestTurn(Date.now() + 1000);
  assert.ok(end);
  assert.equal(gate.state.ingest, "holding");
  end();
  assert.equal(gate.state.ingest, "none");
});

test("while an ingest writer holds the lock, a Prisma write waits for it without blocking the thread, then succeeds", async () => {
  const setting = () => db().setting.create({ data: { key: "gate-test", value: "x" } });
  if (databaseProvider() === "postgresql") {
    // PostgreSQL's driver waits asynchronously and the ingest transaction locks only the feed
    // counter: no gate, and a write meanwhile does not wait for it.
    await withIngestTransaction(async () => void (await setting()));
    assert.equal(writeGate().state.ingest, "none");
    assert.equal(await db().setting.count({ where: { key: "gate-test" } }), 1);
    return;
  }
  const end = await takeIngestTurn(Date.now() + 1000);
  assert.ok(end);
  // The ingest thread's transaction, as a connection of its own holding the write lock.
  const writer = new Database((parseDatabaseUrl(t.url) as { file: string }).file, { timeout: 0 });
  writer.exec("BEGIN IMMEDIATE");
  const write = watch(setting());
  // Reads are not held up (WAL: readers never wait for the writer).
  assert.equal(await db().setting.count({ where: { key: "gate-test" } }), 0);
  // Without the gate the write would block this thread in SQLite's busy handler, then fail.
  const until = Date.now() + 5000;
  while (writeGate().state.waiting === 0 && !write.done && Date.now() < until) await sleep(5);
  assert.equal(write.done, false, "the write neither blocked nor failed");
  assert.equal(writeGate().state.waiting, 1, "it waits at the gate");
  writer.exec("COMMIT");
  writer.close();
  end();
  while (!write.done) await tick();
  assert.equal(write.error, undefined);
  assert.equal(await db().setting.count({ where: { key: "gate-test" } }), 1);
});
