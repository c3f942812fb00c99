import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, beforeEach, test } from "node:test";
import { db } from "../db/client.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { applyRecords } from "./apply-records.ts";
import { derivedId } from "../ids/ids.ts";
import { replacedVersionId } from "./write/decide-post-write.ts";
import { storeFileBytes } from "./file-store.ts";
import { T0, channel, everyRecordType, fileInfo, post, team, user } from "./test-records.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());
beforeEach(async () => {
  const d = db();
  await d.post.deleteMany();
  await d.fileInfo.deleteMany();
  await d.chatTeam.deleteMany();
  await d.chatChannel.deleteMany();
  await d.chatUser.deleteMany();
  await d.channelMemberHistory.deleteMany();
});

async function snapshot() {
  const d = db();
  return {
    teams: await d.chatTeam.findMany({ orderBy: { id: "asc" } }),
    channels: await d.chatChannel.findMany({ orderBy: { id: "asc" } }),
    users: await d.chatUser.findMany({ orderBy: { id: "asc" } }),
    posts: await d.post.findMany({ orderBy: { id: "asc" } }),
    files: await d.fileInfo.findMany({ orderBy: { id: "asc" } }),
    history: await d.channelMemberHistory.findMany({
      orderBy: [{ userId: "asc" }, { joinTime: "asc" }],
    }),
  };
}

async function apply(records: unknown[]) {
  const result = await applyRecords({ records });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result;
}

test("every record type is written, with counts", async () => {
  const result = await apply(everyRecordType());
  assert.deepEqual(result.counts, {
    team: 1,
    channel: 1,
    user: 1,
    channel_member_history: 1,
    post: 1,
    file_info: 1,
    post_created: 1,
    post_edited: 1,
    post_deleted: 1,
    member_joined: 1,
    member_left: 1,
    attestation: 0,
  });
  const s = await snapshot();
  assert.deepEqual(s.teams, [
    {
      id: "team1",
      name: "acme",
      displayName: "Acme",
      type: "O",
      createAt: 0n,
      updateAt: 0n,
      deleteAt: 0n,
    },
  ]);
  assert.equal(s.channels[0]!.updateAt, BigInt(T0), "update_at defaults to create_at");
  assert.equal(s.users[0]!.email, "alice@example.com");
  assert.equal(s.posts.length, 3, "post1, post2 and post2's earlier version");
  assert.equal(
    s.files[0]!.deleteAt,
    BigInt(T0 + 6000),
    "the deleted post's file is deleted with it",
  );
  assert.deepEqual(
    s.history.map((h) => [h.userId, h.joinTime, h.leaveTime]),
    [
      ["user1", BigInt(T0), null],
      ["user2", BigInt(T0 + 7000), BigInt(T0 + 8000)],
    ],
  );
});

test("a bad record at the end leaves the database unchanged", async () => {
  await apply([team]);
  const before = await snapshot();
  const records = [
    channel,
    user,
    post("p1"),
    post("p2"),
    { type: "post", post: { ...post("p3").post, create_at: 1.5 } },
  ];
  const result = await applyRecords({ records });
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.deepEqual(result.errors, [
    {
      index: 4,
      field: "post.create_at",
      message: "must be a non-negative integer number of epoch milliseconds (got 1.5)",
    },
  ]);
  assert.deepEqual(await snapshot(), before);
});

test("every bad record is reported, not only the first", async () => {
  const result = await applyRecords({
    records: [
      post("p1"),
      { type: "nope" },
      post(""),
      { type: "post", post: { ...post("p4").post, message: "\u0000" } },
    ],
  });
  assert.ok(!result.ok);
  assert.deepEqual(
    result.errors.map((e) => [e.index, e.field]),
    [
      [1, "type"],
      [2, "post.id"],
      [3, "post.message"],
    ],
  );
  assert.equal(await db().post.count(), 0);
});

test("a record that cannot apply (edit of an unknown post) rolls everything back", async () => {
  const records = [
    team,
    channel,
    user,
    post("p1"),
    { type: "post_edited", post_edited: { post_id: "ghost", message: "x", edit_at: T0 + 9 } },
  ];
  const result = await applyRecords({ records });
  assert.ok(!result.ok);
  assert.deepEqual(result.errors, [
    {
      index: 4,
      field: "post_edited.post_id",
      message: 'no post with id "ghost"; send the post before its edits',
    },
  ]);
  const s = await snapshot();
  assert.deepEqual(
    [s.teams.length, s.channels.length, s.users.length, s.posts.length],
    [0, 0, 0, 0],
  );
});

test("the same batch twice gives the same rows (idempotent by id)", async () => {
  await apply(everyRecordType());
  const first = await snapshot();
  await apply(everyRecordType());
  assert.deepEqual(await snapshot(), first);
});

test("a record with a known id replaces the stored row, unless the stored row is newer; replaced text is kept as a version", async () => {
  await apply([post("p1")]);
  await apply([
    post("p1", { message: "second", update_at: T0 + 2000 }),
    post("p1", { message: "third", update_at: T0 + 3000 }),
  ]);
  const live = async () => db().post.findUniqueOrThrow({ where: { id: "p1" } });
  assert.equal((await live()).message, "third");
  assert.equal((await live()).updateAt, BigInt(T0 + 3000));
  assert.equal((await live()).editAt, BigInt(T0 + 3000), "labelled as an edit");

  const stale = await apply([post("p1", { message: "stale", update_at: T0 + 2500 })]);
  assert.deepEqual(stale.warnings, [
    {
      index: 0,
      message: `post p1: kept the stored row, which is newer (update_at ${T0 + 3000} > ${T0 + 2500})`,
    },
  ]);
  const tie = await apply([post("p1", { message: "corrected", update_at: T0 + 3000 })]);
  assert.deepEqual(tie.warnings, []);
  assert.equal((await live()).message, "corrected");
  const versions = await db().post.findMany({
    where: { originalId: "p1" },
    orderBy: [{ updateAt: "asc" }, { message: "asc" }],
  });
  assert.deepEqual(
    versions.map((v) => [v.message, Number(v.deleteAt), Number(v.updateAt), v.id]),
    [
      ["message p1", T0 + 2000, T0 + 2000, replacedVersionId("p1", T0 + 2000, "message p1")],
      ["second", T0 + 3000, T0 + 3000, replacedVersionId("p1", T0 + 3000, "second")],
      ["third", T0 + 3000, T0 + 3000, replacedVersionId("p1", T0 + 3000, "third")],
    ],
  );
});

test("a replayed stream (create, edit, delete) converges to the same state", async () => {
  const stream = [
    post("p1", { message: "v0" }),
    { type: "post_edited", post_edited: { post_id: "p1", message: "v1", edit_at: T0 + 5000 } },
    {
      type: "post_deleted",
      post_deleted: { post_id: "p1", delete_at: T0 + 6000, deleted_by: "user1" },
    },
    {
      type: "channel_member_history",
      channel_member_history: { channel_id: "chan1", user_id: "u1", join_time: T0 },
    },
    { type: "member_left", member_left: { channel_id: "chan1", user_id: "u1", time: T0 + 10 } },
  ];
  await apply(stream);
  const first = await snapshot();
  await apply(stream);
  await apply(stream.slice(0, 1));
  await apply(stream.slice(3, 4));
  assert.deepEqual(await snapshot(), first);
  assert.equal(first.posts.find((p) => p.id === "p1")!.message, "v1");
  assert.equal(first.history[0]!.leaveTime, BigInt(T0 + 10));
});

test("post_edited stores the edit the Mattermost way (EXPORT-FORMATS 3.3)", async () => {
  await apply([
    post("p1", { message: "v0", props: { from_bot: "true" }, root_id: "root1", file_ids: ["f1"] }),
  ]);
  const edit1 = {
    type: "post_edited",
    post_edited: { post_id: "p1", message: "v1", edit_at: T0 + 5000 },
  };
  const edit2 = {
    type: "post_edited",
    post_edited: { post_id: "p1", message: "v2", edit_at: T0 + 9000, new_version_id: "given-id" },
  };
  await apply([edit1, edit2]);
  await apply([edit1, edit2]); // a replay changes nothing
  const rows = await db().post.findMany({ orderBy: { updateAt: "asc" } });
  const firstVersionId = derivedId("post-version", "p1", T0 + 5000);
  assert.deepEqual(
    rows.map((r) => ({
      id: r.id,
      message: r.message,
      originalId: r.originalId,
      editAt: r.editAt,
      updateAt: r.updateAt,
      deleteAt: r.deleteAt,
    })),
    [
      {
        id: firstVersionId,
        message: "v0",
        originalId: "p1",
        editAt: 0n,
        updateAt: BigInt(T0 + 5000),
        deleteAt: BigInt(T0 + 5000),
      },
      {
        id: "given-id",
        message: "v1",
        originalId: "p1",
        editAt: BigInt(T0 + 5000),
        updateAt: BigInt(T0 + 9000),
        deleteAt: BigInt(T0 + 9000),
      },
      {
        id: "p1",
        message: "v2",
        originalId: "",
        editAt: BigInt(T0 + 9000),
        updateAt: BigInt(T0 + 9000),
        deleteAt: 0n,
      },
    ],
  );
  for (const r of rows) {
    assert.equal(r.createAt, BigInt(T0 + 1000));
    assert.equal(r.rootId, "root1");
    assert.equal(r.props, '{"from_bot":"true"}');
    assert.equal(r.fileIds, '["f1"]');
    assert.equal(r.channelId, "chan1");
  }
  assert.match(firstVersionId, /^[a-z0-9]{26}$/);
});

test("edits out of order, of a deleted post or of an old version are refused", async () => {
  await apply([
    post("p1"),
    { type: "post_edited", post_edited: { post_id: "p1", message: "v1", edit_at: T0 + 5000 } },
  ]);
  const early = await applyRecords({
    records: [
      { type: "post_edited", post_edited: { post_id: "p1", message: "v0.5", edit_at: T0 + 3000 } },
    ],
  });
  assert.ok(!early.ok);
  assert.deepEqual(early.errors[0]!.field, "post_edited.edit_at");
  const versionId = derivedId("post-version", "p1", T0 + 5000);
  const ofVersion = await applyRecords({
    records: [
      {
        type: "post_edited",
        post_edited: { post_id: versionId, message: "x", edit_at: T0 + 9000 },
      },
    ],
  });
  assert.ok(!ofVersion.ok);
  assert.match(ofVersion.errors[0]!.message, /is an earlier version of post "p1"/);
  await apply([
    {
      type: "post_deleted",
      post_deleted: { post_id: "p1", delete_at: T0 + 6000, deleted_by: "admin" },
    },
  ]);
  const ofDeleted = await applyRecords({
    records: [
      { type: "post_edited", post_edited: { post_id: "p1", message: "x", edit_at: T0 + 9000 } },
    ],
  });
  assert.ok(!ofDeleted.ok);
  assert.match(ofDeleted.errors[0]!.message, /is deleted and cannot be edited/);
});

test("post_deleted sets delete_at, update_at and props.deleteBy on the post, its live replies and their files", async () => {
  await apply([
    post("root", { props: { a: 1 }, file_ids: ["f1"] }),
    post("reply1", {
      root_id: "root",
      create_at: T0 + 2000,
      update_at: T0 + 2000,
      file_ids: ["f2"],
    }),
    post("other", { create_at: T0 + 2000, update_at: T0 + 2000 }),
    fileInfo("f1", { post_id: "root" }),
    fileInfo("f2", { post_id: "reply1" }),
    {
      type: "post_edited",
      post_edited: { post_id: "reply1", message: "reply v1", edit_at: T0 + 3000 },
    },
  ]);
  const del = {
    type: "post_deleted",
    post_deleted: { post_id: "root", delete_at: T0 + 7000, deleted_by: "user9" },
  };
  const first = await apply([del]);
  assert.deepEqual(first.warnings, []);
  const second = await apply([del]);
  assert.deepEqual(second.warnings, []);
  const byId = new Map((await db().post.findMany()).map((p) => [p.id, p]));
  for (const id of ["root", "reply1"]) {
    const p = byId.get(id)!;
    assert.equal(p.deleteAt, BigInt(T0 + 7000), id);
    assert.equal(p.updateAt, BigInt(T0 + 7000), id);
    assert.equal(JSON.parse(p.props).deleteBy, "user9", id);
  }
  assert.equal(byId.get("root")!.props, '{"a":1,"deleteBy":"user9"}');
  assert.equal(byId.get("root")!.message, "message root", "the text is kept");
  const version = byId.get(derivedId("post-version", "reply1", T0 + 3000))!;
  assert.equal(version.deleteAt, BigInt(T0 + 3000), "the reply's earlier version keeps its shape");
  assert.equal(JSON.parse(version.props).deleteBy, undefined);
  assert.equal(byId.get("other")!.deleteAt, 0n);
  const files = await db().fileInfo.findMany({ orderBy: { id: "asc" } });
  assert.deepEqual(
    files.map((f) => f.deleteAt),
    [BigInt(T0 + 7000), BigInt(T0 + 7000)],
  );

  const later = await apply([
    {
      type: "post_deleted",
      post_deleted: { post_id: "root", delete_at: T0 + 9999, deleted_by: "x" },
    },
  ]);
  assert.match(later.warnings[0]!.message, /already deleted at/);
  assert.equal(
    (await db().post.findUnique({ where: { id: "root" } }))!.deleteAt,
    BigInt(T0 + 7000),
  );
});

test("member_joined / member_left keep ChannelMemberHistory like Mattermost", async () => {
  const join = (u: string, time: number) => ({
    type: "member_joined",
    member_joined: { channel_id: "chan1", user_id: u, time },
  });
  const leave = (u: string, time: number) => ({
    type: "member_left",
    member_left: { channel_id: "chan1", user_id: u, time },
  });
  await apply([join("u1", T0), join("u2", T0 + 1), leave("u1", T0 + 10), join("u1", T0 + 20)]);
  await apply([join("u1", T0), leave("u1", T0 + 10)]); // replays
  const again = await apply([join("u2", T0 + 5), leave("u3", T0 + 5)]);
  assert.deepEqual(
    again.warnings.map((w) => [w.index, w.message]),
    [
      [
        0,
        `user u2 is already a member of channel chan1 since ${T0 + 1}; join at ${T0 + 5} ignored`,
      ],
      [1, `user u3 has no open membership of channel chan1 at ${T0 + 5}; leave ignored`],
    ],
  );
  const rows = await db().channelMemberHistory.findMany({
    orderBy: [{ userId: "asc" }, { joinTime: "asc" }],
  });
  assert.deepEqual(
    rows.map((h) => [
      h.userId,
      Number(h.joinTime - BigInt(T0)),
      h.leaveTime === null ? null : Number(h.leaveTime - BigInt(T0)),
    ]),
    [
      ["u1", 0, 10],
      ["u1", 20, null],
      ["u2", 1, null],
    ],
  );
});

test("file_info keeps its stored bytes when sent again, and links bytes uploaded before it", async () => {
  const early = await storeFileBytes({
    fileId: "early1",
    source: Readable.from([Buffer.from("abc")]),
  });
  assert.equal(early.linked, false);
  await apply([fileInfo("early1")]);
  const row = await db().fileInfo.findUnique({ where: { id: "early1" } });
  assert.equal(row!.storeKey, early.storeKey);
  assert.equal(row!.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  const late = await storeFileBytes({
    fileId: "early1",
    source: Readable.from([Buffer.from("abcd")]),
  });
  assert.equal(late.linked, true);
  await apply([fileInfo("early1", { name: "renamed.pdf" })]);
  const again = await db().fileInfo.findUnique({ where: { id: "early1" } });
  assert.equal(again!.name, "renamed.pdf");
  assert.equal(again!.sha256, late.sha256);
});

test("concurrent batches writing the same ids all apply (the loser retries)", async () => {
  const batches = Array.from({ length: 4 }, (_, b) => [
    team,
    channel,
    user,
    ...Array.from({ length: 200 }, (_, i) => post(`c${i % 150}`, { message: `batch ${b}` })),
    { type: "post_edited", post_edited: { post_id: "c0", message: "edited", edit_at: T0 + 5000 } },
  ]);
  const results = await Promise.all(batches.map((records) => applyRecords({ records })));
  assert.deepEqual(
    results.map((r) => r.ok),
    [true, true, true, true],
  );
  assert.equal(await db().post.count({ where: { originalId: "" } }), 150);
  assert.equal(
    await db().post.count({ where: { originalId: "c0" } }),
    1,
    "the edit is stored once",
  );
  assert.equal((await db().post.findUniqueOrThrow({ where: { id: "c0" } })).message, "edited");
  assert.equal(await db().chatTeam.count(), 1);
});

test("large batches are written across several statements", async () => {
  const records: unknown[] = [team, channel, user];
  for (let i = 0; i < 1200; i++)
    records.push(post(`bulk${i}`, { create_at: T0 + i, update_at: T0 + i }));
  const result = await apply(records);
  assert.equal(result.counts.post, 1200);
  assert.equal(await db().post.count(), 1200);
});
