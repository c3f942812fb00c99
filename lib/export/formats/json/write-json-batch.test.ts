import assert from "node:assert/strict";
import { describe, test } from "node:test";
import yauzl from "yauzl";
import { ZipFile } from "yazl";
import type { ZipSink } from "../../model.ts";
import type { BatchInput } from "../../model.ts";
import { MemoryZipSink } from "../testing/memory-zip-sink.ts";
import { attachmentStore, batchOf, mmChannel, type MmMessageExport } from "../testing/fixtures.ts";
import { createJsonWriter, writeJsonBatch } from "./index.ts";
import type { JsonChatDayFile, JsonMessage, JsonTeamsFile, JsonUsersFile } from "./types.ts";
import { assertValidExport, validators } from "./testing/validate-json-export.ts";

const utc = (iso: string) => Date.parse(iso);
const START = utc("2024-03-01T00:00:00Z");
const END = utc("2024-03-03T00:00:00Z");
const DAY_BEFORE = utc("2024-02-29T00:00:00Z");

const ALICE = { UserId: "u-alice", Username: "alice", UserEmail: "alice@example.com" };
const BOB = { UserId: "u-bob", Username: "bob", UserEmail: "bob@example.com" };
const CAROL = { UserId: "u-carol", Username: "carol", UserEmail: "carol@example.com" };
const BOT = { UserId: "u-bot", Username: "ci-bot", UserEmail: "ci-bot@example.com", IsBot: true };

const TEAM_A = { TeamId: "team-a", TeamName: "alpha", TeamDisplayName: "Alpha" };
const TEAM_B = { TeamId: "team-b", TeamName: "beta", TeamDisplayName: "Beta" };

const DM = {
  ChannelId: "dm1",
  ChannelName: "u-alice__u-bob",
  ChannelDisplayName: "Direct Message",
  ChannelType: "D" as const,
};
const GM = {
  ChannelId: "gm1",
  ChannelName: "gm-abc",
  ChannelDisplayName: "Group Message",
  ChannelType: "G" as const,
};
const PUB = {
  ...TEAM_A,
  ChannelId: "ch-pub",
  ChannelName: "town-square",
  ChannelDisplayName: "Town Square",
  ChannelType: "O" as const,
};
const PRIV_DISPLAY = "Secret / ../../etc\r\nplans 🚀";
const PRIV = {
  ...TEAM_A,
  ChannelId: "ch-priv",
  ChannelName: "secret",
  ChannelDisplayName: PRIV_DISPLAY,
  ChannelType: "P" as const,
};
const GEN = {
  ...TEAM_B,
  ChannelId: "ch-b",
  ChannelName: "general",
  ChannelDisplayName: "General",
  ChannelType: "O" as const,
};

const channels = [
  mmChannel({ Id: "dm1", Name: DM.ChannelName, DisplayName: "", Type: "D", TeamId: "" }),
  mmChannel({
    Id: "gm1",
    Name: GM.ChannelName,
    DisplayName: "alice, bob, carol",
    Type: "G",
    TeamId: "",
  }),
  mmChannel({
    Id: "ch-pub",
    Name: "town-square",
    DisplayName: "Town Square",
    Type: "O",
    TeamId: "team-a",
  }),
  mmChannel({
    Id: "ch-priv",
    Name: "secret",
    DisplayName: PRIV_DISPLAY,
    Type: "P",
    TeamId: "team-a",
  }),
  mmChannel({ Id: "ch-b", Name: "general", DisplayName: "General", Type: "O", TeamId: "team-b" }),
  mmChannel({ Id: "ch-quiet", Name: "quiet", DisplayName: "Quiet", Type: "O", TeamId: "team-b" }),
];

const post = (fields: MmMessageExport): MmMessageExport => {
  const createAt = fields.PostCreateAt ?? 0;
  return { PostUpdateAt: createAt, PostDeleteAt: 0, PostEditAt: 0, PostProps: "{}", ...fields };
};

const posts: MmMessageExport[] = [
  post({
    ...DM,
    ...ALICE,
    PostId: "dm-p1",
    PostCreateAt: utc("2024-03-01T10:00:00Z"),
    PostMessage: "hi bob 👋",
  }),
  // 23:30 UTC is 08:30 the next day in Tokyo.
  post({
    ...DM,
    ...BOB,
    PostId: "dm-p2",
    PostRootId: "dm-p1",
    PostCreateAt: utc("2024-03-01T23:30:00Z"),
    PostMessage: "late reply\r\nline 2",
  }),
  post({
    ...GM,
    ...CAROL,
    PostId: "gm-p1",
    PostCreateAt: utc("2024-03-01T11:00:00Z"),
    PostMessage: "مرحبا بالعالم \u202eabc",
  }),
  // Edited: the live post keeps its id and gets the new text; the old text is a row with OriginalId.
  post({
    ...PUB,
    ...ALICE,
    PostId: "pub-p1",
    PostCreateAt: utc("2024-03-01T12:00:00Z"),
    PostUpdateAt: utc("2024-03-01T13:00:00Z"),
    PostEditAt: utc("2024-03-01T13:00:00Z"),
    PostMessage: "new text",
  }),
  post({
    ...PUB,
    ...ALICE,
    PostId: "pub-p1-v1",
    PostOriginalId: "pub-p1",
    PostCreateAt: utc("2024-03-01T12:00:00Z"),
    PostUpdateAt: utc("2024-03-01T13:00:00Z"),
    PostDeleteAt: utc("2024-03-01T13:00:00Z"),
    PostMessage: "old text",
  }),
  // A bot post with one good and one missing attachment.
  post({
    ...PUB,
    ...BOT,
    PostId: "pub-p2",
    PostCreateAt: utc("2024-03-01T12:30:00Z"),
    PostMessage: "build passed",
    PostProps: '{"from_bot":"true"}',
    PostFileIds: ["f-ok", "f-missing"],
  }),
  // Only an earlier version of pub-p3 is in this batch (it was edited again later).
  post({
    ...PUB,
    ...BOB,
    PostId: "pub-p3-v1",
    PostOriginalId: "pub-p3",
    PostCreateAt: utc("2024-03-01T08:00:00Z"),
    PostUpdateAt: utc("2024-03-01T09:00:00Z"),
    PostDeleteAt: utc("2024-03-01T09:00:00Z"),
    PostMessage: "first draft",
  }),
  // Deleted, with its file.
  post({
    ...PRIV,
    ...BOB,
    PostId: "priv-p1",
    PostCreateAt: utc("2024-03-01T14:00:00Z"),
    PostUpdateAt: utc("2024-03-01T15:00:00Z"),
    PostDeleteAt: utc("2024-03-01T15:00:00Z"),
    PostProps: '{"deleteBy":"u-admin"}',
    PostMessage: "oops, the password is hunter2",
    PostFileIds: ["f-del"],
  }),
  // Live post, one of its two files deleted.
  post({
    ...PRIV,
    ...ALICE,
    PostId: "priv-p2",
    PostCreateAt: utc("2024-03-01T15:30:00Z"),
    PostUpdateAt: utc("2024-03-01T16:00:00Z"),
    PostMessage: "two files",
    PostFileIds: ["f-gone", "f-kept"],
  }),
  post({
    ...GEN,
    ...CAROL,
    PostId: "b-p1",
    PostCreateAt: utc("2024-03-02T06:00:00Z"),
    PostMessage: "שלום 👩‍👩‍👧 עולם",
  }),
  post({
    ...GEN,
    ...BOB,
    PostId: "b-p2",
    PostRootId: "b-p1",
    PostCreateAt: utc("2024-03-02T06:05:00Z"),
    PostMessage: "thread reply",
  }),
];

const files = {
  "pub-p2": [
    { Id: "f-ok", Name: "report.pdf", Path: "data/f-ok/report.pdf", Size: 3 },
    { Id: "f-missing", Name: "../../etc/passwd\r\n.txt", Path: "data/f-missing/x.txt", Size: 9 },
  ],
  "priv-p1": [
    {
      Id: "f-del",
      Name: "secret.png",
      Path: "data/f-del/secret.png",
      DeleteAt: utc("2024-03-01T15:00:00Z"),
    },
  ],
  "priv-p2": [
    { Id: "f-kept", Name: "kept.txt", Path: "data/f-kept/kept.txt", Size: 4 },
    {
      Id: "f-gone",
      Name: "gone.txt",
      Path: "data/f-gone/gone.txt",
      DeleteAt: utc("2024-03-01T16:00:00Z"),
    },
  ],
};

const history = {
  dm1: [
    { ...hist(ALICE), JoinTime: DAY_BEFORE },
    { ...hist(BOB), JoinTime: DAY_BEFORE },
  ],
  gm1: [
    { ...hist(ALICE), JoinTime: DAY_BEFORE },
    { ...hist(BOB), JoinTime: DAY_BEFORE },
    { ...hist(CAROL), JoinTime: DAY_BEFORE, LeaveTime: utc("2024-03-02T12:00:00Z") },
  ],
  "ch-quiet": [{ ...hist(BOB), JoinTime: utc("2024-03-01T05:00:00Z") }],
  "ch-pub": [{ ...hist(BOT), JoinTime: utc("2024-03-01T12:10:00Z"), IsBot: true }],
};

function hist(u: { UserId: string; Username: string; UserEmail: string }) {
  return { UserId: u.UserId, Username: u.Username, UserEmail: u.UserEmail };
}

function fullBatch(
  overrides: { posts?: MmMessageExport[]; exportAttachments?: boolean } = {},
): BatchInput {
  return batchOf({
    posts: overrides.posts ?? posts,
    files,
    channels,
    history,
    batchStart: START,
    batchEnd: END,
    exportAttachments: overrides.exportAttachments ?? true,
  });
}

function store() {
  return attachmentStore({
    "data/f-ok/report.pdf": Buffer.from("PDF"),
    "data/f-kept/kept.txt": Buffer.from("kept"),
    "data/f-missing/x.txt": "missing",
  });
}

async function run(batch: BatchInput, timeZone?: string) {
  const zip = new MemoryZipSink();
  const openAttachment = store();
  const writer = timeZone === undefined ? writeJsonBatch : createJsonWriter({ timeZone });
  const result = await writer({ batch, zip, openAttachment });
  assertValidExport(zip);
  return { zip, result, opened: openAttachment.opened };
}

const json = <T>(zip: MemoryZipSink, name: string): T => JSON.parse(zip.text(name)) as T;

const DM_DIR = "People_Chats/alice, bob (dm1)";
const GM_DIR = "People_Chats/alice, bob, carol (gm1)";
const PUB_DIR = "Team_Chats/Alpha - Town Square (ch-pub)";
const PRIV_DIR = "Team_Chats/Alpha - Secret _ ._._etc plans 🚀 (ch-priv)";
const GEN_DIR = "Team_Chats/Beta - General (ch-b)";

function message(zip: MemoryZipSink, path: string, id: string): JsonMessage {
  const day = json<JsonChatDayFile>(zip, path);
  const m = day.messages.find((x) => x.id === id);
  assert.ok(m, `${id} in ${path}`);
  return m;
}

/** Writes the batch into a real zip (yazl, as the engine does) and reads the entry names back (yauzl). */
async function realZipNames(batch: BatchInput): Promise<string[]> {
  const zip = new ZipFile();
  const sink: ZipSink = {
    addText: async (name, text) => zip.addBuffer(Buffer.from(text, "utf8"), name),
    addEmail: () => Promise.reject(new Error("JSON writes no emails")),
    addStream: (name, source) =>
      new Promise<void>((resolve, reject) => {
        const chunks: Buffer[] = [];
        source.on("data", (c: Buffer) => chunks.push(c));
        source.on("error", reject);
        source.on("end", () => {
          zip.addBuffer(Buffer.concat(chunks), name);
          resolve();
        });
      }),
  };
  const out: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    zip.outputStream.on("data", (c: Buffer) => out.push(c));
    zip.outputStream.on("end", resolve);
    zip.outputStream.on("error", reject);
  });
  await writeJsonBatch({ batch, zip: sink, openAttachment: store() });
  zip.end();
  await done;
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.concat(out), { lazyEntries: true }, (err, reader) => {
      if (err) return reject(err);
      const names: string[] = [];
      reader.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        reader.readEntry();
      });
      reader.on("end", () => resolve(names));
      reader.on("error", reject);
      reader.readEntry();
    });
  });
}

describe("JSON export (RingCentral layout)", () => {
  test("zip entries, in order, in UTC", async () => {
    const { zip, result } = await run(fullBatch());
    assert.deepEqual(zip.names(), [
      "People_And_Groups/users.json",
      "Teams/teams.json",
      // In message order, conversations by id (ch-priv < ch-pub); the missing file has no entry.
      "Files/priv-p2/f-kept-kept.txt",
      "Files/pub-p2/f-ok-report.pdf",
      `${DM_DIR}/2024-03-01.json`,
      `${GM_DIR}/2024-03-01.json`,
      `${GEN_DIR}/2024-03-02.json`,
      `${PRIV_DIR}/2024-03-01.json`,
      `${PUB_DIR}/2024-03-01.json`,
      "warning.txt",
    ]);
    assert.equal(
      zip.entries.find((e) => e.name === "Files/pub-p2/f-ok-report.pdf")!.data.toString(),
      "PDF",
    );
    // 11 posts: 9 plain entries + the deleted post's extra created entry (job start 0) + 1 version row.
    assert.deepEqual(result.files, 2);
    assert.equal(result.messages, 12);
    assert.equal(result.warnings.length, 1);
  });

  test("users.json: direct and group conversations with participants and history", async () => {
    const { zip } = await run(fullBatch());
    const users = json<JsonUsersFile>(zip, "People_And_Groups/users.json");
    assert.equal(users.timeZone, "UTC");
    assert.deepEqual(users.batch, {
      number: 1,
      start: "2024-03-01T00:00:00.000Z",
      startMs: START,
      end: "2024-03-03T00:00:00.000Z",
      endMs: END,
    });
    assert.deepEqual(
      users.conversations.map((c) => [c.id, c.type, c.kind, c.folder, c.days]),
      [
        ["dm1", "D", "direct", DM_DIR, ["2024-03-01"]],
        ["gm1", "G", "group", GM_DIR, ["2024-03-01"]],
      ],
    );
    const gm = users.conversations[1]!;
    assert.deepEqual(gm.participants, [
      {
        id: "u-alice",
        username: "alice",
        email: "alice@example.com",
        bot: false,
        history: [{ event: "joined", at: "2024-02-29T00:00:00.000Z", atMs: DAY_BEFORE }],
      },
      {
        id: "u-bob",
        username: "bob",
        email: "bob@example.com",
        bot: false,
        history: [{ event: "joined", at: "2024-02-29T00:00:00.000Z", atMs: DAY_BEFORE }],
      },
      {
        id: "u-carol",
        username: "carol",
        email: "carol@example.com",
        bot: false,
        history: [
          { event: "joined", at: "2024-02-29T00:00:00.000Z", atMs: DAY_BEFORE },
          { event: "left", at: "2024-03-02T12:00:00.000Z", atMs: utc("2024-03-02T12:00:00Z") },
        ],
      },
    ]);
    // Key order is fixed.
    assert.deepEqual(Object.keys(users), ["formatVersion", "timeZone", "batch", "conversations"]);
    assert.deepEqual(Object.keys(gm), [
      "id",
      "type",
      "kind",
      "name",
      "displayName",
      "folder",
      "days",
      "participants",
    ]);
  });

  test("teams.json: two teams, public and private channels, a channel with only a join", async () => {
    const { zip } = await run(fullBatch());
    const teams = json<JsonTeamsFile>(zip, "Teams/teams.json");
    assert.deepEqual(
      teams.teams.map((t) => [
        t.id,
        t.name,
        t.displayName,
        t.channels.map((c) => [c.id, c.type, c.kind, c.name, c.displayName, c.folder, c.days]),
      ]),
      [
        [
          "team-a",
          "alpha",
          "Alpha",
          [
            ["ch-priv", "P", "private", "secret", PRIV_DISPLAY, PRIV_DIR, ["2024-03-01"]],
            ["ch-pub", "O", "public", "town-square", "Town Square", PUB_DIR, ["2024-03-01"]],
          ],
        ],
        [
          "team-b",
          "beta",
          "Beta",
          [
            ["ch-b", "O", "public", "general", "General", GEN_DIR, ["2024-03-02"]],
            ["ch-quiet", "O", "public", "quiet", "Quiet", "Team_Chats/Beta - Quiet (ch-quiet)", []],
          ],
        ],
      ],
    );
    const quiet = teams.teams[1]!.channels[1]!;
    assert.deepEqual(quiet.members, [
      {
        id: "u-bob",
        username: "bob",
        email: "bob@example.com",
        bot: false,
        history: [
          { event: "joined", at: "2024-03-01T05:00:00.000Z", atMs: utc("2024-03-01T05:00:00Z") },
        ],
      },
    ]);
    const pub = teams.teams[0]!.channels[1]!;
    // Authors without member history are listed with an empty history; the bot's join is known.
    assert.deepEqual(
      pub.members.map((m) => [m.id, m.bot, m.history.length]),
      [
        ["u-alice", false, 0],
        ["u-bob", false, 0],
        ["u-bot", true, 1],
      ],
    );
  });

  test("a day file: conversation, messages by time, author, both time forms, replies", async () => {
    const { zip } = await run(fullBatch());
    const day = json<JsonChatDayFile>(zip, `${DM_DIR}/2024-03-01.json`);
    assert.deepEqual(Object.keys(day), [
      "formatVersion",
      "date",
      "timeZone",
      "conversation",
      "messages",
    ]);
    assert.deepEqual(day.conversation, {
      id: "dm1",
      type: "D",
      kind: "direct",
      name: "u-alice__u-bob",
      displayName: "",
      team: null,
    });
    assert.deepEqual(
      day.messages.map((m) => m.id),
      ["dm-p1", "dm-p2"],
    );
    assert.deepEqual(day.messages[1], {
      id: "dm-p2",
      postType: "",
      status: "created",
      updateType: "",
      author: { id: "u-bob", username: "bob", email: "bob@example.com", bot: false },
      createdAt: "2024-03-01T23:30:00.000Z",
      createdAtMs: utc("2024-03-01T23:30:00Z"),
      updatedAt: "2024-03-01T23:30:00.000Z",
      updatedAtMs: utc("2024-03-01T23:30:00Z"),
      editedAt: null,
      editedAtMs: null,
      text: "late reply\r\nline 2",
      replyToId: "dm-p1",
      attachments: [],
      editLog: [],
      deleted: null,
    });
    assert.equal(day.messages[0]!.replyToId, null);
    const pub = json<JsonChatDayFile>(zip, `${PUB_DIR}/2024-03-01.json`);
    assert.deepEqual(pub.conversation.team, { id: "team-a", name: "alpha", displayName: "Alpha" });
    assert.deepEqual(
      pub.messages.map((m) => [m.id, m.createdAtMs]),
      [
        ["pub-p3", utc("2024-03-01T08:00:00Z")],
        ["pub-p1", utc("2024-03-01T12:00:00Z")],
        ["pub-p2", utc("2024-03-01T12:30:00Z")],
      ],
    );
    assert.equal(message(zip, `${GEN_DIR}/2024-03-02.json`, "b-p2").replyToId, "b-p1");
  });

  test("time zone: a post at 23:30 UTC is on the next day in Asia/Tokyo", async () => {
    const { zip } = await run(fullBatch(), "Asia/Tokyo");
    assert.ok(zip.has(`${DM_DIR}/2024-03-01.json`), "Tokyo: 1 March");
    assert.ok(zip.has(`${DM_DIR}/2024-03-02.json`), "Tokyo: 2 March");
    const first = json<JsonChatDayFile>(zip, `${DM_DIR}/2024-03-01.json`);
    const second = json<JsonChatDayFile>(zip, `${DM_DIR}/2024-03-02.json`);
    assert.equal(first.timeZone, "Asia/Tokyo");
    assert.equal(second.date, "2024-03-02");
    assert.deepEqual(
      first.messages.map((m) => m.id),
      ["dm-p1"],
    );
    assert.deepEqual(
      second.messages.map((m) => m.id),
      ["dm-p2"],
    );
    // Times stay in UTC; only the day files follow the zone.
    assert.equal(second.messages[0]!.createdAt, "2024-03-01T23:30:00.000Z");
    const users = json<JsonUsersFile>(zip, "People_And_Groups/users.json");
    assert.deepEqual(users.conversations[0]!.days, ["2024-03-01", "2024-03-02"]);
    // And the other way: in Los Angeles 06:00 UTC on 2 March is still 1 March (22:00 PST).
    const la = await run(fullBatch(), "America/Los_Angeles");
    assert.ok(la.zip.has(`${GEN_DIR}/2024-03-01.json`), "Los Angeles: 1 March");
    assert.ok(!la.zip.has(`${GEN_DIR}/2024-03-02.json`), "Los Angeles: no 2 March file");
  });

  test("an edited message carries its edit log: the old text and its times", async () => {
    const { zip } = await run(fullBatch());
    const m = message(zip, `${PUB_DIR}/2024-03-01.json`, "pub-p1");
    assert.equal(m.status, "edited");
    assert.equal(m.updateType, "EditedNewMsg");
    assert.equal(m.text, "new text");
    assert.equal(m.editedAt, "2024-03-01T13:00:00.000Z");
    assert.deepEqual(m.editLog, [
      {
        versionId: "pub-p1-v1",
        text: "old text",
        writtenAt: "2024-03-01T12:00:00.000Z",
        writtenAtMs: utc("2024-03-01T12:00:00Z"),
        replacedAt: "2024-03-01T13:00:00.000Z",
        replacedAtMs: utc("2024-03-01T13:00:00Z"),
      },
    ]);
    // The old row is not a message of its own.
    const day = json<JsonChatDayFile>(zip, `${PUB_DIR}/2024-03-01.json`);
    assert.ok(!day.messages.some((x) => x.id === "pub-p1-v1"), "the old row is not a message");
  });

  test("only an earlier version in the batch: a versionsOnly record under the message's id", async () => {
    const { zip } = await run(fullBatch());
    const m = message(zip, `${PUB_DIR}/2024-03-01.json`, "pub-p3");
    assert.equal(m.status, "versionsOnly");
    assert.equal(m.updateType, null);
    assert.equal(m.text, null);
    assert.equal(m.author.id, "u-bob");
    assert.deepEqual(
      m.editLog.map((v) => [v.versionId, v.text]),
      [["pub-p3-v1", "first draft"]],
    );
  });

  test("a deleted message is present only with its deletion marker", async () => {
    const { zip, opened } = await run(fullBatch());
    const m = message(zip, `${PRIV_DIR}/2024-03-01.json`, "priv-p1");
    assert.equal(m.status, "deleted");
    assert.equal(m.updateType, "Deleted");
    assert.equal(m.text, null);
    assert.deepEqual(m.attachments, []);
    assert.deepEqual(m.editLog, []);
    assert.deepEqual(m.deleted, {
      at: "2024-03-01T15:00:00.000Z",
      atMs: utc("2024-03-01T15:00:00Z"),
      by: "u-admin",
    });
    assert.equal(m.author.id, "u-bob");
    // Neither its text nor its file reaches the zip.
    for (const e of zip.entries) assert.ok(!e.data.toString("utf8").includes("hunter2"), e.name);
    assert.ok(!opened.includes("data/f-del/secret.png"), "the deleted post's file is not opened");
  });

  test("a deleted file is marked and not copied; the kept one is", async () => {
    const { zip, opened } = await run(fullBatch());
    const m = message(zip, `${PRIV_DIR}/2024-03-01.json`, "priv-p2");
    assert.equal(m.status, "updated");
    assert.equal(m.text, "two files");
    assert.deepEqual(m.attachments, [
      {
        id: "f-gone",
        name: "gone.txt",
        size: 0,
        mimeType: "",
        zipPath: null,
        missing: false,
        deleted: { at: "2024-03-01T16:00:00.000Z", atMs: utc("2024-03-01T16:00:00Z") },
      },
      {
        id: "f-kept",
        name: "kept.txt",
        size: 4,
        mimeType: "",
        zipPath: "Files/priv-p2/f-kept-kept.txt",
        missing: false,
        deleted: null,
      },
    ]);
    assert.ok(!opened.includes("data/f-gone/gone.txt"), "the deleted file is not opened");
  });

  test("a missing attachment is a warning naming the post, never an error", async () => {
    const { zip, result } = await run(fullBatch());
    const m = message(zip, `${PUB_DIR}/2024-03-01.json`, "pub-p2");
    assert.deepEqual(
      m.attachments.map((a) => [a.id, a.name, a.zipPath, a.missing]),
      [
        ["f-ok", "report.pdf", "Files/pub-p2/f-ok-report.pdf", false],
        ["f-missing", "../../etc/passwd\r\n.txt", null, true],
      ],
    );
    const line =
      "Warning:File backend read: File missing for post; cannot copy file to archive - Post: pub-p2 - File: f-missing - data/f-missing/x.txt";
    assert.deepEqual(result.warnings, [line]);
    assert.equal(zip.text("warning.txt"), line + "\n");
  });

  test("bots are flagged on messages and participants", async () => {
    const { zip } = await run(fullBatch());
    const m = message(zip, `${PUB_DIR}/2024-03-01.json`, "pub-p2");
    assert.deepEqual(m.author, {
      id: "u-bot",
      username: "ci-bot",
      email: "ci-bot@example.com",
      bot: true,
    });
    assert.equal(message(zip, `${PUB_DIR}/2024-03-01.json`, "pub-p1").author.bot, false);
  });

  test("unicode, emoji, RTL and bidi controls in text are kept verbatim", async () => {
    const { zip } = await run(fullBatch());
    assert.equal(
      message(zip, `${GM_DIR}/2024-03-01.json`, "gm-p1").text,
      "مرحبا بالعالم \u202eabc",
    );
    assert.equal(message(zip, `${GEN_DIR}/2024-03-02.json`, "b-p1").text, "שלום 👩‍👩‍👧 עולם");
    assert.equal(message(zip, `${DM_DIR}/2024-03-01.json`, "dm-p1").text, "hi bob 👋");
    // UTF-8 without escapes, two-space indent.
    assert.match(zip.text(`${GEN_DIR}/2024-03-02.json`), /\n {6}"text": "שלום 👩‍👩‍👧 עולם",\n/);
  });

  test("without attachments: no Files entries, no zip paths, no files opened, no warnings", async () => {
    const zip = new MemoryZipSink();
    const openAttachment = store();
    const result = await writeJsonBatch({
      batch: fullBatch({ exportAttachments: false }),
      zip,
      openAttachment,
    });
    assertValidExport(zip);
    assert.ok(!zip.names().some((n) => n.startsWith("Files/")), "no Files/ entries");
    assert.ok(!zip.has("warning.txt"), "no warning.txt");
    assert.deepEqual(openAttachment.opened, []);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.files, 0);
    const m = message(zip, `${PUB_DIR}/2024-03-01.json`, "pub-p2");
    assert.deepEqual(
      m.attachments.map((a) => [a.zipPath, a.missing]),
      [
        [null, false],
        [null, false],
      ],
    );
  });

  test("deterministic: same bytes twice and whatever order the posts come in", async () => {
    const a = await run(fullBatch(), "Asia/Tokyo");
    const b = await run(fullBatch(), "Asia/Tokyo");
    const c = await run(fullBatch({ posts: [...posts].reverse() }), "Asia/Tokyo");
    const bytes = (zip: MemoryZipSink) =>
      zip.entries.map((e) => [e.name, e.data.toString("base64")]);
    assert.deepEqual(bytes(b.zip), bytes(a.zip));
    assert.deepEqual(bytes(c.zip), bytes(a.zip));
  });

  test("an empty batch: both index files, nothing else", async () => {
    const { zip, result } = await run(batchOf({ batchStart: START, batchEnd: END }));
    assert.deepEqual(zip.names(), ["People_And_Groups/users.json", "Teams/teams.json"]);
    assert.deepEqual(json<JsonUsersFile>(zip, "People_And_Groups/users.json").conversations, []);
    assert.deepEqual(json<JsonTeamsFile>(zip, "Teams/teams.json").teams, []);
    assert.deepEqual(result, { messages: 0, files: 0, warnings: [] });
  });

  test("unsafe names from users, channels, teams and files become safe, unique paths", async () => {
    const evil = '../..\\/:*?"<>|\u0000\r\n\u202e \u{1F469}\u200D\u{1F4BB} .';
    const batch = batchOf({
      batchStart: START,
      batchEnd: END,
      channels: [
        mmChannel({ Id: "c1", Name: "x", DisplayName: evil, Type: "O", TeamId: "t1" }),
        mmChannel({ Id: "C1", Name: "x", DisplayName: evil, Type: "O", TeamId: "t1" }),
        mmChannel({ Id: "d9", Name: "d9", DisplayName: "", Type: "D", TeamId: "" }),
        mmChannel({ Id: "c3", Name: "", DisplayName: "..", Type: "P", TeamId: "t1" }),
      ],
      posts: [
        post({
          TeamId: "t1",
          TeamName: "t",
          TeamDisplayName: "Team/../..",
          ChannelId: "c1",
          ChannelType: "O",
          UserId: "u1",
          Username: "a/b",
          PostId: "p1",
          PostCreateAt: START + 1,
          PostMessage: "x",
          PostFileIds: ["f1"],
        }),
        post({
          TeamId: "t1",
          ChannelId: "C1",
          ChannelType: "O",
          UserId: "u1",
          Username: "a/b",
          PostId: "p2",
          PostCreateAt: START + 2,
          PostMessage: "y",
        }),
        post({
          ChannelId: "d9",
          ChannelType: "D",
          UserId: "u2",
          Username: "..",
          PostId: "p3",
          PostCreateAt: START + 3,
          PostMessage: "z",
        }),
        post({
          ChannelId: "d9",
          ChannelType: "D",
          UserId: "u3",
          Username: "x".repeat(300),
          PostId: "p4",
          PostCreateAt: START + 4,
          PostMessage: "w",
        }),
        post({
          TeamId: "t1",
          ChannelId: "c3",
          ChannelType: "P",
          UserId: "u1",
          PostId: "p5",
          PostCreateAt: START + 5,
          PostMessage: "v",
        }),
      ],
      files: { p1: [{ Id: "f1", Name: evil + ".tar.gz", Path: "a/b" }] },
    });
    const { zip } = await run(batch);
    const names = zip.names();
    const folders = [
      ...new Set(
        names.filter((n) => n.includes("_Chats/")).map((n) => n.slice(0, n.lastIndexOf("/"))),
      ),
    ];
    const longName = "x".repeat(57) + "…"; // 60 bytes of UTF-8
    assert.deepEqual(folders, [
      // ".." as a username cleans to nothing: the user id stands in.
      `People_Chats/u2, ${longName} (d9)`,
      "Team_Chats/Team_._ - _._________ 👩‍💻 (C1)",
      // Ids differing only in case would share a folder on macOS and Windows.
      "Team_Chats/Team_._ - _._________ 👩‍💻 (c1) 2",
      "Team_Chats/Team_._ (c3)",
    ]);
    assert.ok(names.includes("Files/p1/f1-_._________ 👩‍💻 .tar.gz"), JSON.stringify(names));
    assert.deepEqual(
      await realZipNames(batch),
      names,
      "yazl and yauzl accept the names as they are",
    );
    const users = json<JsonUsersFile>(zip, "People_And_Groups/users.json");
    assert.equal(users.conversations[0]!.folder, folders[0]);
    // The JSON keeps the real names.
    const teams = json<JsonTeamsFile>(zip, "Teams/teams.json");
    assert.equal(teams.teams[0]!.channels[1]!.displayName, evil);
    assert.equal(teams.teams[0]!.displayName, "Team/../..");
  });

  test("a real zip takes every entry name and reads them back unchanged (yazl, yauzl)", async () => {
    const memory = await run(fullBatch());
    assert.deepEqual(await realZipNames(fullBatch()), memory.zip.names());
  });

  test("the schema rejects what the format forbids", () => {
    const okMessage = {
      id: "p",
      postType: "",
      status: "deleted",
      updateType: "Deleted",
      author: { id: "u", username: "u", email: "", bot: false },
      createdAt: "2024-03-01T00:00:00.000Z",
      createdAtMs: START,
      updatedAt: "2024-03-01T00:00:00.000Z",
      updatedAtMs: START,
      editedAt: null,
      editedAtMs: null,
      text: null,
      replyToId: null,
      attachments: [],
      editLog: [],
      deleted: { at: "2024-03-01T00:00:00.000Z", atMs: START, by: null },
    };
    const day = (m: object) => ({
      formatVersion: 1,
      date: "2024-03-01",
      timeZone: "UTC",
      conversation: {
        id: "c",
        type: "O",
        kind: "public",
        name: "c",
        displayName: "C",
        team: { id: "t", name: null, displayName: null },
      },
      messages: [m],
    });
    assert.ok(validators.chatDayFile(day(okMessage)), "a valid deleted message");
    assert.ok(
      !validators.chatDayFile(day({ ...okMessage, text: "leaked" })),
      "a deleted message with text",
    );
    assert.ok(
      !validators.chatDayFile(day({ ...okMessage, status: "created" })),
      "status/updateType mismatch",
    );
    assert.ok(!validators.chatDayFile(day({ ...okMessage, extra: 1 })), "unknown key");
    assert.ok(
      !validators.chatDayFile(day({ ...okMessage, createdAt: "2024-03-01 00:00" })),
      "not ISO",
    );
    const attachment = {
      id: "f",
      name: "n",
      size: 1,
      mimeType: "",
      zipPath: "Files/p/../x",
      missing: false,
      deleted: null,
    };
    const live = {
      ...okMessage,
      status: "created",
      updateType: "",
      text: "t",
      deleted: null,
      attachments: [attachment],
    };
    assert.ok(!validators.chatDayFile(day(live)), "a .. zip path");
    assert.ok(
      validators.chatDayFile(
        day({ ...live, attachments: [{ ...attachment, zipPath: "Files/p/f-x" }] }),
      ),
      "a valid zip path",
    );
  });

  test("an unknown time zone is refused when the writer is made", () => {
    assert.throws(() => createJsonWriter({ timeZone: "Mars/Olympus_Mons" }), RangeError);
    assert.doesNotThrow(() => createJsonWriter({ timeZone: "Europe/Paris" }));
  });
});
