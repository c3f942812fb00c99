// Issue 11 item 6: the server applies ingest bodies on a worker thread of its own (all or nothing,
// its own connection); a busy database comes back as DatabaseBusyError (the route's 503).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseProvider, db } from "../../db/client.ts";
import { parseDatabaseUrl } from "../../config/database-url.ts";
import { DatabaseBusyError } from "../../db/write-connection.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { channel, post, team, user } from "../test-records.ts";
import { applyIngestBody } from "./apply-ingest-body.ts";

process.env.LOG_LEVEL = "silent";
// Buffer.from(short text) is a view into Node's shared pool: such bytes are copied to the thread,
// a buffer of their own (the route's) is transferred.
const applyText = (text: string) =>
  applyIngestBody(text.length > 4096 ? new TextEncoder().encode(text) : Buffer.from(text));
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
  // The thread reads its settings from the environment it starts with.
  process.env.CUSTODIAN_INGEST_LOCK_WAIT_SECONDS = "1";
  process.env.CUSTODIAN_INGEST_THREAD = path.join(import.meta.dirname, "ingest-thread.ts");
});
after(async () => {
  delete process.env.CUSTODIAN_INGEST_THREAD;
  delete process.env.CUSTODIAN_INGEST_LOCK_WAIT_SECONDS;
  await t.cleanup();
});

test("a body is applied on the ingest thread; bad JSON and non-arrays are told apart", async () => {
  const outcome = await applyText(JSON.stringify([team, channel, user, post("th1"), post("th2")]));
  assert.equal(outcome.kind, "applied");
  assert.ok(outcome.kind === "applied" && outcome.result.ok && outcome.records === 5);
  assert.deepEqual(
    (await db().post.findMany({ orderBy: { id: "asc" } })).map((p) => p.id),
    ["th1", "th2"],
  );
  const refused = await applyText(JSON.stringify([post("th3"), post("../th4")]));
  assert.ok(
    refused.kind === "applied" &&
      !refused.result.ok &&
      refused.result.errors[0]!.field === "post.id",
  );
  assert.equal(await db().post.count(), 2, "all or nothing");
  assert.deepEqual(await applyText("[{"), { kind: "invalid-json" });
  assert.deepEqual(await applyText('{"type":"post"}'), { kind: "not-an-array" });
});

test("the database held by another writer past the budget: DatabaseBusyError from the thread", async () => {
  let release: () => Promise<void>;
  if (databaseProvider() === "sqlite") {
    const conn = new Database((parseDatabaseUrl(t.url) as { file: string }).file);
    conn.exec("BEGIN IMMEDIATE");
    release = async () => void (conn.exec("ROLLBACK"), conn.close());
  } else {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    await client.query("BEGIN");
    await client.query("SELECT custodian_feed_stamp()");
    release = async () => void (await client.query("ROLLBACK"), await client.end());
  }
  try {
    await assert.rejects(applyText(JSON.stringify([post("th5")])), DatabaseBusyError);
  } finally {
    await release();
  }
  assert.equal(await db().post.count({ where: { id: "th5" } }), 0);
});

test("a body whose JSON escapes a NUL or a lone surrogate is still refused, naming the field (the whole-text look)", async () => {
  for (const [escaped, message] of [
    ["a\\u0000b", /NUL/],
    ["a\\uD800b", /lone surrogate/],
    ["a\\udfffb", /lone surrogate/],
  ] as const) {
    const body = JSON.stringify([post("th-esc")]).replace('"message th-esc"', `"${escaped}"`);
    const outcome = await applyText(body);
    assert.ok(outcome.kind === "applied" && !outcome.result.ok, escaped);
    assert.equal(outcome.result.errors[0]!.field, "post.message");
    assert.match(outcome.result.errors[0]!.message, message);
  }
  const paired = await applyText(
    JSON.stringify([post("th-emoji")]).replace('"message th-emoji"', '"\\ud83d\\ude00"'),
  );
  assert.ok(paired.kind === "applied" && paired.result.ok, "a paired surrogate is an emoji");
  assert.equal(await db().post.count({ where: { id: "th-esc" } }), 0);
});

test("the route's bytes move to the thread without a copy, and all of them are applied", async () => {
  const posts = Array.from({ length: 2000 }, (_, n) => post(`big-${n}`));
  const body = new TextEncoder().encode(JSON.stringify([team, channel, user, ...posts]));
  const outcome = await applyIngestBody(body);
  assert.ok(outcome.kind === "applied" && outcome.result.ok && outcome.records === 2003);
  assert.equal(body.byteLength, 0, "the buffer was transferred (detached here)");
  assert.equal(await db().post.count({ where: { id: { startsWith: "big-" } } }), 2000);
});
