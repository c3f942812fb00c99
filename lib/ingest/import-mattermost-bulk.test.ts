import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { importMattermostBulk } from "./import-mattermost-bulk.ts";
import { derivedId } from "../ids/ids.ts";
import { channelId, directChannelId, teamId, userId } from "./mattermost-bulk.ts";

let t: TestDatabase;
let filesDir: string;
before(async () => {
  t = await useTestDatabase();
  filesDir = path.join(t.dataDir, "export");
  mkdirSync(path.join(filesDir, "data", "20250101"), { recursive: true });
  writeFileSync(path.join(filesDir, "data", "20250101", "plan.pdf"), "the plan");
});
after(async () => t.cleanup());
beforeEach(async () => {
  rmSync(env().fileStoreDir, { recursive: true, force: true });
  const d = db();
  for (const model of [
    d.post,
    d.fileInfo,
    d.chatTeam,
    d.chatChannel,
    d.chatUser,
    d.channelMemberHistory,
  ] as Array<{ deleteMany(): Promise<unknown> }>)
    await model.deleteMany();
});

const T = 1_735_732_800_000; // 2025-01-01T12:00:00Z

// As mmctl export writes it: version first, then teams, channels, users (with memberships), bots, posts, DMs.
const SAMPLE = [
  {
    type: "version",
    version: 1,
    info: { generator: "mmctl", version: "10.5.0", created: "2025-01-02T00:00:00Z" },
  },
  {
    type: "team",
    team: {
      name: "acme",
      display_name: "Acme",
      type: "O",
      description: "",
      allow_open_invite: true,
    },
  },
  {
    type: "channel",
    channel: {
      team: "acme",
      name: "town-square",
      display_name: "Town Square",
      type: "O",
      header: "",
      purpose: "",
    },
  },
  {
    type: "channel",
    channel: { team: "acme", name: "secret", display_name: "Secret 🔒", type: "P" },
  },
  {
    type: "user",
    user: {
      username: "alice",
      email: "alice@example.com",
      auth_service: "",
      nickname: "",
      first_name: "Alice",
      last_name: "Liddell",
      position: "",
      roles: "system_user",
      locale: "en",
      teams: [
        {
          name: "acme",
          roles: "team_user",
          channels: [
            { name: "town-square", roles: "channel_user" },
            { name: "secret", roles: "channel_user" },
          ],
        },
      ],
      notify_props: { desktop: "mention" },
    },
  },
  {
    type: "user",
    user: {
      username: "bob",
      email: "bob@example",
      teams: [{ name: "acme", channels: [{ name: "town-square" }] }],
    },
  },
  { type: "user", user: { username: "carol", email: "carol@example.com", delete_at: T - 1 } },
  { type: "bot", bot: { username: "ci-bot", owner: "alice", display_name: "CI" } },
  { type: "emoji", emoji: { name: "party", image: "data/emoji/party.png" } },
  {
    type: "post",
    post: {
      team: "acme",
      channel: "town-square",
      user: "alice",
      type: "",
      message: "Here is the plan 📎",
      props: {},
      create_at: T,
      edit_at: T + 60_000,
      reactions: [{ user: "bob", create_at: T + 5, emoji_name: "+1" }],
      replies: [
        { user: "bob", message: "Thanks!", create_at: T + 1000 },
        { user: "ci-bot", message: "Build ok", props: { from_bot: "true" }, create_at: T + 2000 },
      ],
      attachments: [{ path: "data/20250101/plan.pdf" }],
    },
  },
  {
    type: "post",
    post: { team: "acme", channel: "secret", user: "alice", message: "shh", create_at: T + 500 },
  },
  {
    type: "direct_channel",
    direct_channel: { members: ["bob", "alice"], favorited_by: null, header: "" },
  },
  {
    type: "direct_channel",
    direct_channel: {
      participants: [{ username: "alice" }, { username: "bob" }, { username: "carol" }],
    },
  },
  {
    type: "direct_post",
    direct_post: {
      channel_members: ["alice", "bob"],
      user: "bob",
      message: "hi alice",
      create_at: T + 3000,
    },
  },
  {
    type: "direct_post",
    direct_post: {
      channel_members: ["carol", "alice", "bob"],
      user: "carol",
      message: "مرحبا",
      create_at: T + 4000,
    },
  },
];

function writeExport(name: string, lines: unknown[]): string {
  const file = path.join(t.dataDir, name);
  writeFileSync(
    file,
    lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n",
  );
  return file;
}

async function snapshot() {
  const d = db();
  return {
    teams: await d.chatTeam.findMany({ orderBy: { id: "asc" } }),
    channels: await d.chatChannel.findMany({ orderBy: { id: "asc" } }),
    users: await d.chatUser.findMany({ orderBy: { id: "asc" } }),
    posts: await d.post.findMany({ orderBy: { id: "asc" } }),
    files: await d.fileInfo.findMany({ orderBy: { id: "asc" } }),
    history: await d.channelMemberHistory.findMany({
      orderBy: [{ channelId: "asc" }, { userId: "asc" }],
    }),
  };
}

test("a bulk export becomes teams, channels, users, memberships, posts with replies and attachments", async () => {
  const result = await importMattermostBulk({
    file: writeExport("export.jsonl", SAMPLE),
    filesDir,
  });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  assert.deepEqual(
    result.warnings.map((w) => [w.index, w.message.replace(/ \(kept as sent\).*/, "")]),
    [
      [6, 'user bob has a malformed email "bob@example"'],
      [9, '"emoji" lines are not archived; skipped'],
    ],
  );
  assert.deepEqual(
    {
      team: result.counts.team,
      channel: result.counts.channel,
      user: result.counts.user,
      post: result.counts.post,
      file_info: result.counts.file_info,
      channel_member_history: result.counts.channel_member_history,
    },
    { team: 1, channel: 4, user: 4, post: 6, file_info: 1, channel_member_history: 8 },
  );

  const s = await snapshot();
  const town = channelId("acme", "town-square");
  assert.match(town, /^[a-z0-9]{26}$/);
  assert.equal(s.channels.find((c) => c.id === town)!.teamId, teamId("acme"));
  assert.equal(s.channels.find((c) => c.id === channelId("acme", "secret"))!.type, "P");

  const dm = s.channels.find((c) => c.id === directChannelId(["alice", "bob"]))!;
  assert.equal(dm.type, "D");
  assert.equal(dm.name, [userId("alice"), userId("bob")].sort().join("__"));
  const gm = s.channels.find((c) => c.id === directChannelId(["alice", "bob", "carol"]))!;
  assert.equal(gm.type, "G");
  assert.equal(gm.displayName, "alice, bob, carol");
  assert.equal(gm.createAt, BigInt(T + 4000));

  const bot = s.users.find((u) => u.username === "ci-bot")!;
  assert.deepEqual([bot.isBot, bot.email, bot.firstName], [true, "ci-bot@localhost", "CI"]);
  assert.equal(
    s.users.find((u) => u.username === "bob")!.email,
    "bob@example",
    "kept as the source had it",
  );
  assert.equal(s.users.find((u) => u.username === "carol")!.deleteAt, BigInt(T - 1));

  const root = s.posts.find((p) => p.message === "Here is the plan 📎")!;
  assert.equal(root.id, derivedId("mm-post", town, "alice", T, "Here is the plan 📎", ""));
  assert.deepEqual(
    [root.editAt, root.updateAt, root.createAt],
    [BigInt(T + 60_000), BigInt(T + 60_000), BigInt(T)],
  );
  const replies = s.posts.filter((p) => p.rootId === root.id);
  assert.deepEqual(replies.map((r) => r.message).sort(), ["Build ok", "Thanks!"]);
  assert.equal(replies.find((r) => r.message === "Build ok")!.userId, bot.id);

  const [file] = s.files;
  assert.deepEqual(JSON.parse(root.fileIds), [file!.id]);
  assert.deepEqual(
    [file!.name, file!.extension, file!.mimeType, file!.size, file!.postId],
    ["plan.pdf", "pdf", "application/pdf", 8n, root.id],
  );
  assert.equal(file!.sha256, createHash("sha256").update("the plan").digest("hex"));

  // Join time = the channel's first post in the file (the format has none of its own).
  const joins = s.history.filter((h) => h.channelId === town);
  assert.deepEqual(
    joins.map((h) => [h.userId, h.joinTime, h.leaveTime]).sort(),
    [
      [userId("alice"), BigInt(T), null],
      [userId("bob"), BigInt(T), null],
    ].sort(),
  );
  assert.equal(s.history.filter((h) => h.channelId === gm.id).length, 3);
});

test("importing the same file again changes nothing", async () => {
  const file = writeExport("again.jsonl", SAMPLE);
  assert.ok((await importMattermostBulk({ file, filesDir })).ok);
  const first = await snapshot();
  assert.ok((await importMattermostBulk({ file, filesDir })).ok);
  assert.deepEqual(await snapshot(), first);
});

test("a direct_post without its direct_channel line still gets its channel", async () => {
  const lines = [SAMPLE[0], SAMPLE[4], SAMPLE[5], SAMPLE[13]];
  const result = await importMattermostBulk({ file: writeExport("dm-only.jsonl", lines) });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  assert.equal(
    (await db().chatChannel.findUniqueOrThrow({ where: { id: directChannelId(["alice", "bob"]) } }))
      .type,
    "D",
  );
});

test("attachments without --files are recorded without bytes, with a warning", async () => {
  const result = await importMattermostBulk({ file: writeExport("nofiles.jsonl", SAMPLE) });
  assert.ok(result.ok);
  assert.ok(
    result.warnings.some((w) => w.index === 10 && /recorded without its bytes/.test(w.message)),
  );
  const [file] = await db().fileInfo.findMany();
  assert.deepEqual([file!.storeKey, file!.sha256, file!.path], ["", "", "data/20250101/plan.pdf"]);
});

test("bad lines are reported with their line numbers and nothing is imported", async () => {
  const lines = [
    ...SAMPLE,
    "{not json",
    {
      type: "post",
      post: { team: "acme", channel: "town-square", user: "alice", message: "x", create_at: 1.5 },
    },
    { type: "reaction", reaction: {} },
    {
      type: "post",
      post: { team: "acme", channel: "town-square", message: "no user", create_at: T },
    },
    {
      type: "direct_post",
      direct_post: { channel_members: ["a", "b"], user: "a", message: "nul \u0000", create_at: T },
    },
    {
      type: "post",
      post: {
        team: "acme",
        channel: "town-square",
        user: "alice",
        message: "esc",
        create_at: T,
        attachments: [{ path: "../../etc/passwd" }],
      },
    },
  ];
  const result = await importMattermostBulk({ file: writeExport("bad.jsonl", lines), filesDir });
  assert.ok(!result.ok);
  assert.deepEqual(
    result.errors.map((e) => [e.index, e.field]),
    [
      [16, "json"],
      [17, "post.create_at"],
      [18, "type"],
      [19, "post.user"],
      [21, "file_info.path"],
    ],
  );
  assert.match(result.errors[2]!.message, /^unknown line type/);
  assert.equal(result.errors[3]!.message, "is required");
  assert.match(result.errors[4]!.message, /must not contain "\.\." segments/);
  // A NUL is no refusal (line 20): it is stored as U+FFFD, with a warning (mattermost-real-export.test.ts).
  assert.equal(await db().post.count(), 0);
  assert.equal(await db().chatTeam.count(), 0);
});

test("the version line must come first", async () => {
  const result = await importMattermostBulk({
    file: writeExport("noversion.jsonl", SAMPLE.slice(1, 3)),
  });
  assert.ok(!result.ok);
  assert.deepEqual(result.errors[0], {
    index: 1,
    field: "type",
    message: 'the first line must be the version line {"type":"version","version":1}',
  });
  const empty = await importMattermostBulk({ file: writeExport("empty.jsonl", []) });
  assert.ok(!empty.ok);
  assert.equal(empty.errors[0]!.field, "file");
});
