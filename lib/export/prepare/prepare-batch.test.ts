import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compareByteOrder } from "./byte-order.ts";
import { prepareBatch } from "./prepare-batch.ts";
import {
  batchOf,
  mmChannel,
  TEST_CHANNEL,
  type MmMessageExport,
} from "../formats/testing/fixtures.ts";

const p = (
  id: string,
  channelId: string,
  at: number,
  extra: Partial<MmMessageExport> = {},
): MmMessageExport => ({
  PostId: id,
  ChannelId: channelId,
  ChannelName: `${channelId}-name`,
  ChannelDisplayName: `${channelId} display`,
  ChannelType: "O",
  TeamId: "team",
  TeamName: "team-name",
  TeamDisplayName: "Team",
  UserId: "u1",
  UserEmail: "u1@x",
  Username: "u1",
  PostCreateAt: at,
  PostUpdateAt: at,
  PostMessage: `message ${id}`,
  ...extra,
});

const chan = (id: string) =>
  mmChannel({
    Id: id,
    Name: `${id}-name`,
    DisplayName: `${id} display`,
    Type: "O",
    TeamId: "team",
  });

describe("prepareBatch", () => {
  test("channels in channel-id byte order, activity-only channels included, idle channels left out", () => {
    const prepared = prepareBatch(
      batchOf({
        batchStart: 10,
        batchEnd: 20,
        channels: [chan("c3"), chan("c1"), chan("c2"), chan("B0"), chan("idle")],
        history: {
          c2: [{ UserId: "u9", UserEmail: "u9@x", Username: "u9", JoinTime: 15 }],
          idle: [{ UserId: "u8", UserEmail: "u8@x", Username: "u8", JoinTime: 5 }],
        },
        posts: [p("p1", "c3", 11), p("p2", "c1", 12), p("p3", "B0", 13)],
      }),
    );
    assert.deepEqual(
      prepared.channels.map((c) => c.channel.id),
      ["B0", "c1", "c2", "c3"],
    );
    const c2 = prepared.channels[2]!;
    assert.deepEqual(c2.entries, []);
    assert.equal(c2.teamName, ""); // no post in the batch -> no team name
    assert.deepEqual(
      c2.joins.map((j) => j.email),
      ["u9@x"],
    );
    assert.equal(prepared.channels[1]!.teamName, "team-name");
    // metadata lists every channel of the window, in id order, with per-batch counts
    assert.deepEqual(
      prepared.metadataChannels!.map((m) => [m.channel.id, m.messagesCount]),
      [
        ["B0", 1],
        ["c1", 1],
        ["c2", 0],
        ["c3", 1],
        ["idle", 0],
      ],
    );
    assert.equal(prepared.messagesCount, 3);
  });

  test("no channels in the window -> metadata channels null", () => {
    assert.equal(prepareBatch(batchOf({ batchStart: 0, batchEnd: 0 })).metadataChannels, null);
  });

  test("a post whose channel is missing from batch.channels still exports (channel built from the post)", () => {
    const prepared = prepareBatch(
      batchOf({
        batchStart: 0,
        batchEnd: 5,
        posts: [p("p1", "dm", 1, { ChannelType: "D", ChannelDisplayName: "Direct Message" })],
      }),
    );
    assert.deepEqual(prepared.channels[0]!.channel, {
      id: "dm",
      name: "dm-name",
      displayName: "",
      type: "D",
      teamId: "team",
    });
    assert.equal(prepared.metadataChannels!.length, 1);
  });

  test("counts: each entry is a message, each upload an attachment; deleted files are not counted", () => {
    const prepared = prepareBatch(
      batchOf({
        batchStart: 0,
        batchEnd: 100,
        channels: [TEST_CHANNEL],
        posts: [
          p("a", "channel-id", 1, { PostFileIds: ["f1"] }),
          p("b", "channel-id", 2, {
            PostUpdateAt: 3,
            PostDeleteAt: 3,
            PostProps: '{"deleteBy":"x"}',
            PostFileIds: ["f2"],
          }),
        ],
        files: { a: [{ Id: "f1", Path: "p1" }], b: [{ Id: "f2", Path: "p2", DeleteAt: 3 }] },
      }),
    );
    assert.equal(prepared.messagesCount, 3); // a, b created, b deleted
    assert.equal(prepared.attachmentsCount, 2); // f1, f2 (from b's created entry)
    const c = prepared.channels[0]!;
    assert.equal(c.deletedFiles.length, 1);
    assert.deepEqual(
      c.files.map((f) => f.id),
      ["f1", "f2", "f2"], // b's files once per entry (writers dedupe)
    );
  });

  test("the last post of an author decides the synthetic join's details", () => {
    const prepared = prepareBatch(
      batchOf({
        batchStart: 0,
        batchEnd: 100,
        channels: [TEST_CHANNEL],
        posts: [
          p("a", "channel-id", 1),
          p("b", "channel-id", 2, { PostProps: '{"from_bot":"true"}' }),
        ],
      }),
    );
    assert.deepEqual(
      prepared.channels[0]!.joins.map((j) => [j.email, j.joinTime, j.userType]),
      [["u1@x", 0, "bot"]],
    );
  });
});

test("compareByteOrder follows UTF-8 byte order", () => {
  assert.ok(compareByteOrder("a", "b") < 0);
  assert.ok(compareByteOrder("B", "a") < 0);
  assert.ok(compareByteOrder("ab", "a") > 0);
  assert.equal(compareByteOrder("x", "x"), 0);
  // U+FF21 (3 UTF-8 bytes, EF ...) sorts before U+1F600 (4 bytes, F0 ...), unlike UTF-16 order.
  assert.ok(compareByteOrder("\uFF21", "\u{1F600}") < 0);
  const list = ["\u{1F600}", "\uFF21", "z", "é"];
  list.sort(compareByteOrder);
  assert.deepEqual(
    list,
    [...list].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
  );
});
