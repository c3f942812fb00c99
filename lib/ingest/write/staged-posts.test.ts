// Issues 11 item 6 and 14: a large batch of posts (staged before the lock on SQLite) keeps every
// guarantee of the row-at-a-time writer: replace-as-edit, nothing written on a replay, a newer
// stored row kept, each write numbered once in the change feed; and a post stored by another writer
// after the batch read it makes the batch run again instead of overwriting it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { databaseProvider, db } from "../../db/client.ts";
import { parseDatabaseUrl } from "../../config/database-url.ts";
import { writeConnection } from "../../db/write-connection.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { applyRecords } from "../apply-records.ts";
import { isWriteConflict } from "../is-write-conflict.ts";
import { T0, post, user } from "../test-records.ts";
import { ConcurrentChangeError } from "../types.ts";
import { replacedVersionId } from "./decide-post-write.ts";
import { commitStagedPosts, splitStageable, stagePosts } from "./staged-posts.ts";
import { validateRecordSync } from "../validate-record.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

const COUNT = 1_203; // more than two chunks of 500
const feedValue = async () =>
  Number((await db().feedSequence.findUnique({ where: { id: 1 } }))!.value);
const feedRows = async () =>
  (
    await db().post.findMany({
      orderBy: { id: "asc" },
      select: {
        id: true,
        message: true,
        seq: true,
        createSeq: true,
        liveSeq: true,
        liveUpdateAt: true,
        editAt: true,
        deleteAt: true,
        updateAt: true,
        originalId: true,
      },
    })
  ).map((p) => ({
    ...p,
    seq: Number(p.seq),
    createSeq: Number(p.createSeq),
    liveSeq: Number(p.liveSeq),
    liveUpdateAt: Number(p.liveUpdateAt),
    editAt: Number(p.editAt),
    deleteAt: Number(p.deleteAt),
    updateAt: Number(p.updateAt),
  }));

async function apply(records: unknown[]) {
  const result = await applyRecords({ records });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result;
}

test("a large batch of posts: inserted, replaced as edits, kept when newer, numbered once each; a replay writes nothing", async () => {
  const first = Array.from({ length: COUNT }, (_, i) => post(`sp-${i}`));
  const before = await feedValue();
  await apply([user, ...first]);
  let rows = await feedRows();
  assert.equal(rows.length, COUNT);
  const seqs = rows.map((r) => r.seq);
  // SQLite numbers each row written; PostgreSQL each transaction (the migrations' stamps).
  const perRow = databaseProvider() === "sqlite";
  assert.equal(
    new Set(seqs).size,
    perRow ? COUNT : 1,
    "numbered as the database's triggers number",
  );
  assert.ok(Math.min(...seqs) > before);
  assert.equal(Math.max(...seqs), await feedValue(), "the counter ends at the last number written");
  for (const r of rows)
    assert.ok(r.createSeq === r.seq && r.liveSeq === r.seq && r.liveUpdateAt === r.updateAt, r.id);

  // A replay: nothing written (on SQLite no number taken either; PostgreSQL's transaction takes its one).
  let counter = await feedValue();
  await apply([user, ...first]);
  assert.deepEqual(await feedRows(), rows);
  if (perRow) assert.equal(await feedValue(), counter);
  counter = await feedValue();

  // Text replaced (an edit as Mattermost stores it), a newer stored row kept, a deletion stamped.
  const changed = first.map((p, i) =>
    i === 7
      ? post("sp-7", { message: "changed text", update_at: T0 + 5000 })
      : i === 8
        ? post("sp-8", { create_at: T0 + 500, update_at: T0 + 500 }) // older than the stored row
        : i === 9
          ? post("sp-9", { delete_at: T0 + 6000, update_at: T0 + 6000 })
          : p,
  );
  const result = await apply(changed);
  assert.deepEqual(
    result.warnings.map((w) => [w.index, w.message]),
    [[8, `post sp-8: kept the stored row, which is newer (update_at ${T0 + 1000} > ${T0 + 500})`]],
  );
  rows = await feedRows();
  assert.equal(rows.length, COUNT + 1);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const version = byId.get(replacedVersionId("sp-7", T0 + 5000, "message sp-7"))!;
  assert.ok(version, "the replaced text is kept as a version");
  assert.deepEqual(
    [version.message, version.originalId, version.deleteAt, version.updateAt],
    ["message sp-7", "sp-7", T0 + 5000, T0 + 5000],
  );
  assert.deepEqual(
    [byId.get("sp-7")!.message, byId.get("sp-7")!.editAt],
    ["changed text", T0 + 5000],
  );
  const after = await feedValue();
  if (perRow)
    assert.equal(
      after,
      counter + 3,
      "three writes: the version, the edited post, the deleted post",
    );
  else assert.ok(after > counter);
  assert.equal(
    byId.get("sp-7")!.seq > counter && byId.get("sp-7")!.liveSeq === byId.get("sp-7")!.seq,
    true,
  );
  const deleted = byId.get("sp-9")!;
  assert.ok(
    deleted.seq > counter && deleted.liveSeq < counter && deleted.liveUpdateAt === T0 + 1000,
    "a deletion keeps the live stamps",
  );
  assert.ok(byId.get("sp-8")!.seq <= counter, "the newer stored row was not written");
});

test("a post another writer stored after the batch read it: the batch runs again rather than overwrite it", async () => {
  const records = [
    post("race-1", { message: "from the batch", update_at: T0 + 2000 }),
    post("race-2"),
  ];
  if (databaseProvider() === "sqlite") {
    const valid = records.map((value, index) => validateRecordSync({ index, value }).valid!);
    const batch = splitStageable(valid)!;
    const sql = writeConnection();
    // Staging takes no lock of the database file: another connection may hold the write lock meanwhile.
    const other = new Database((parseDatabaseUrl(t.url) as { file: string }).file);
    other.exec("BEGIN IMMEDIATE");
    const staged = await stagePosts(sql, batch.posts, async () => {});
    other.exec("ROLLBACK");
    other.close();
    await db().post.create({
      data: {
        id: "race-1",
        channelId: "chan1",
        userId: "user1",
        createAt: T0 + 1000,
        updateAt: T0 + 1000,
        message: "stored meanwhile",
      },
    });
    await sql.run("BEGIN IMMEDIATE");
    await assert.rejects(
      commitStagedPosts(sql, staged),
      (e: unknown) => e instanceof ConcurrentChangeError && isWriteConflict(e),
    );
    await sql.run("ROLLBACK");
    assert.equal(
      await db().post.count({ where: { id: "race-2" } }),
      0,
      "nothing of the batch was written",
    );
    await db().post.delete({ where: { id: "race-1" } });
  }
  // Either database, run whole: the post stored first keeps its text as the earlier version.
  await db().post.create({
    data: {
      id: "race-1",
      channelId: "chan1",
      userId: "user1",
      createAt: T0 + 1000,
      updateAt: T0 + 1000,
      message: "stored meanwhile",
    },
  });
  await apply(records);
  const stored = await db().post.findMany({
    where: { OR: [{ id: { startsWith: "race-" } }, { originalId: "race-1" }] },
    orderBy: { id: "asc" },
  });
  assert.deepEqual(
    stored.map((p) => [p.id, p.message]).sort(),
    [
      ["race-1", "from the batch"],
      ["race-2", "message race-2"],
      [replacedVersionId("race-1", T0 + 2000, "stored meanwhile"), "stored meanwhile"],
    ].sort(),
  );
});
