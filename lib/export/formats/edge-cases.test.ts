// Custodian's own edge cases for both writers. posts.csv is re-read with csv-parse and
// actiance_export.xml with saxes (strict XML 1.0, no DTD) to prove both are well-formed and carry
// the text verbatim (XML: after Go's U+FFFD substitution of non-XML characters).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Readable } from "node:stream";
import { parse } from "csv-parse/sync";
import { SaxesParser } from "saxes";
import { writeCsvBatch } from "./csv.ts";
import { writeActianceBatch } from "./actiance.ts";
import { MemoryZipSink } from "./testing/memory-zip-sink.ts";
import {
  attachmentStore,
  batchOf,
  mmChannel,
  TEST_CHANNEL,
  type MmMessageExport,
} from "./testing/fixtures.ts";
import type { BatchInput, ZipSink } from "../model.ts";

const author: MmMessageExport = {
  TeamId: "team-id",
  TeamName: "team-name",
  TeamDisplayName: "Team",
  ChannelId: "channel-id",
  ChannelName: "channel-name",
  ChannelDisplayName: "channel-display-name",
  ChannelType: "O",
  UserId: "user-id",
  UserEmail: "user@example.com",
  Username: "user",
  PostFileIds: [],
};

const OPEN = mmChannel({
  Id: "channel-id",
  Name: "channel-name",
  DisplayName: "channel-display-name",
  Type: "O",
  TeamId: "team-id",
});

function msgPost(
  id: string,
  at: number,
  message: string,
  extra: Partial<MmMessageExport> = {},
): MmMessageExport {
  return {
    ...author,
    PostId: id,
    PostCreateAt: at,
    PostUpdateAt: at,
    PostMessage: message,
    ...extra,
  };
}

function batchWith(
  posts: MmMessageExport[],
  extra: Partial<Parameters<typeof batchOf>[0]> = {},
): BatchInput {
  return batchOf({ batchStart: 0, batchEnd: 1000, channels: [OPEN], posts, ...extra });
}

type XmlLeaf = { path: string; text: string };

/** Parses strictly; returns every leaf element's text with its element path. */
function parseXml(xml: string): { leaves: XmlLeaf[]; attrs: Record<string, string>[] } {
  const parser = new SaxesParser({ xmlns: false });
  const stack: { name: string; text: string; children: number }[] = [];
  const leaves: XmlLeaf[] = [];
  const attrs: Record<string, string>[] = [];
  let failure: Error | undefined;
  parser.on("error", (e) => {
    failure ??= e;
  });
  parser.on("doctype", () => {
    failure ??= new Error("DOCTYPE in output");
  });
  parser.on("opentag", (tag) => {
    const top = stack[stack.length - 1];
    if (top) top.children++;
    stack.push({ name: tag.name, text: "", children: 0 });
    attrs.push(tag.attributes as Record<string, string>);
  });
  parser.on("text", (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on("closetag", () => {
    const el = stack.pop()!;
    if (el.children === 0)
      leaves.push({ path: [...stack.map((s) => s.name), el.name].join("/"), text: el.text });
  });
  parser.write(xml).close();
  if (failure) throw failure;
  return { leaves, attrs };
}

function contents(xml: string): string[] {
  return parseXml(xml)
    .leaves.filter((l) => l.path.endsWith("Message/Content"))
    .map((l) => l.text);
}

async function csvOf(batch: BatchInput, store = attachmentStore()) {
  const zip = new MemoryZipSink();
  const result = await writeCsvBatch({ batch, zip, openAttachment: store });
  const text = zip.text("posts.csv");
  const records = parse(text, { relax_quotes: false }) as string[][];
  for (const r of records) assert.equal(r.length, 20);
  return { zip, result, text, records };
}

async function xmlOf(batch: BatchInput, store = attachmentStore()) {
  const zip = new MemoryZipSink();
  const result = await writeActianceBatch({ batch, zip, openAttachment: store });
  const xml = zip.text("actiance_export.xml");
  parseXml(xml);
  return { zip, result, xml };
}

const MESSAGE = 16;

describe("message text", () => {
  const tricky: [string, string][] = [
    ["unicode, emoji, RTL", "héllo 😀👍🏽 שלום עולם مرحبا \u202Eevil\u202C 漢字"],
    ["quotes, commas, newlines, CR", 'a "quoted", b\nsecond line\r\nthird\rfourth'],
    ["leading space", " starts with a space"],
    ["leading tab", "\tstarts with a tab"],
    ["leading NBSP", "\u00a0nbsp"],
    ["backslash dot", "\\."],
    ["CDATA end", "x ]]> y"],
    ["markup", '<!DOCTYPE html [<!ENTITY x "y">]><script>alert(1)</script> &amp; &x;'],
    ["apostrophes", "it's 'quoted'"],
    ["empty", ""],
  ];

  for (const [name, message] of tricky) {
    test(`${name}: CSV round-trips verbatim`, async () => {
      const { records } = await csvOf(batchWith([msgPost("p1", 10, message)]));
      const row = records.find((r) => r[13] === "p1")!;
      assert.equal(row[MESSAGE], message);
    });

    test(`${name}: XML is well-formed and round-trips verbatim`, async () => {
      const { xml } = await xmlOf(batchWith([msgPost("p1", 10, message)]));
      assert.deepEqual(contents(xml), [message]);
    });
  }

  test("CSV quoting of the tricky fields is Go's", async () => {
    const { text } = await csvOf(
      batchWith([
        msgPost("p1", 1, " lead"),
        msgPost("p2", 2, "\tlead"),
        msgPost("p3", 3, "\\."),
        msgPost("p4", 4, 'a"b'),
        msgPost("p5", 5, "x\ry"),
        msgPost("p6", 6, "trail "),
      ]),
    );
    assert.ok(text.includes(',p1,,," lead",message,user,\n'));
    assert.ok(text.includes(',p2,,,"\tlead",message,user,\n'));
    assert.ok(text.includes(',p3,,,"\\.",message,user,\n'));
    assert.ok(text.includes(',p4,,,"a""b",message,user,\n'));
    assert.ok(text.includes(',p5,,,"x\ry",message,user,\n'));
    assert.ok(text.includes(",p6,,,trail ,message,user,\n"));
  });

  test("XML escaping: quotes as &#34; &#39;, TAB/LF/CR as character references", async () => {
    const { xml } = await xmlOf(batchWith([msgPost("p1", 1, `"'&<>\t\n\r`)]));
    assert.ok(xml.includes("<Content>&#34;&#39;&amp;&lt;&gt;&#x9;&#xA;&#xD;</Content>"), xml);
  });

  test("XML-invalid characters become U+FFFD; CSV keeps them (lone surrogates become U+FFFD in UTF-8)", async () => {
    let controls = "";
    for (let c = 0; c < 0x20; c++)
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) controls += String.fromCharCode(c);
    const message = `[${controls}|\uFFFE|\uFFFF|\ud800|\udc00|ok\ud83d\ude00]`;
    const { xml } = await xmlOf(batchWith([msgPost("p1", 1, message)]));
    const expected = `[${"\uFFFD".repeat(controls.length)}|\uFFFD|\uFFFD|\uFFFD|\uFFFD|ok\ud83d\ude00]`;
    assert.ok(xml.includes(`<Content>${expected}</Content>`));
    assert.deepEqual(contents(xml), [expected]);

    const { zip } = await csvOf(batchWith([msgPost("p1", 1, message)]));
    const bytes = zip.entries.find((e) => e.name === "posts.csv")!.data;
    assert.ok(bytes.includes(Buffer.from(controls, "latin1")), "C0 controls kept verbatim in CSV");
    assert.ok(bytes.includes(Buffer.from("|\uFFFE|\uFFFF|\uFFFD|\uFFFD|", "utf8")));
  });

  test("attribute escaping: Perspective with quotes and markup", async () => {
    const channel = mmChannel({
      Id: "c",
      Name: "n",
      DisplayName: `"A" & 'B' <C>`,
      Type: "P",
      TeamId: "t",
    });
    const { xml } = await xmlOf(
      batchOf({
        batchStart: 0,
        batchEnd: 10,
        channels: [channel],
        posts: [msgPost("p1", 1, "m", { ChannelId: "c" })],
      }),
    );
    assert.ok(xml.includes('<Conversation Perspective="&#34;A&#34; &amp; &#39;B&#39; &lt;C&gt;">'));
    assert.ok(xml.includes("<RoomID>private - n - c</RoomID>"));
    assert.equal(
      parseXml(xml).attrs.find((a) => "Perspective" in a)!["Perspective"],
      `"A" & 'B' <C>`,
    );
  });
});

describe("size and streaming", () => {
  test("a 100 KB message is streamed in several chunks, byte-exact", async () => {
    const big = "0123456789abcdef,\n😀".repeat(5000); // ~100 KB of UTF-16, more in UTF-8
    const chunksByEntry = new Map<string, number>();
    const sink = new MemoryZipSink();
    const counting: ZipSink = {
      addText: (name, text) => sink.addText(name, text),
      addEmail: (name, email) => sink.addEmail(name, email),
      addStream: (name, source) => {
        let n = 0;
        source.on("data", () => n++);
        return sink.addStream(name, source).then(() => {
          chunksByEntry.set(name, n);
        });
      },
    };
    await writeCsvBatch({
      batch: batchWith([msgPost("p1", 1, big)]),
      zip: counting,
      openAttachment: attachmentStore(),
    });
    await writeActianceBatch({
      batch: batchWith([msgPost("p1", 1, big)]),
      zip: counting,
      openAttachment: attachmentStore(),
    });
    assert.ok((chunksByEntry.get("posts.csv") ?? 0) >= 1);
    assert.ok((chunksByEntry.get("actiance_export.xml") ?? 0) >= 1);
    const records = parse(sink.text("posts.csv")) as string[][];
    assert.equal(records[records.length - 1]![MESSAGE], big);
    assert.deepEqual(contents(sink.text("actiance_export.xml")), [big]);
  });

  test("many posts produce several chunks", async () => {
    const posts = Array.from({ length: 3000 }, (_, i) =>
      msgPost(`p${String(i).padStart(5, "0")}`, i, `message number ${i} with some padding text`),
    );
    let chunks = 0;
    const sink = new MemoryZipSink();
    await writeCsvBatch({
      batch: batchWith(posts, { batchEnd: 5000 }),
      zip: {
        addText: (n, t) => sink.addText(n, t),
        addEmail: (n, e) => sink.addEmail(n, e),
        addStream: (n, s) => {
          s.on("data", () => chunks++);
          return sink.addStream(n, s);
        },
      },
      openAttachment: attachmentStore(),
    });
    assert.ok(chunks > 1, `chunks: ${chunks}`);
    assert.equal((parse(sink.text("posts.csv")) as string[][]).length, 1 + 1 + 3000); // header, join, posts
  });
});

describe("channels and participants", () => {
  test("empty channel (joins and leaves only): rows with empty team name; a Conversation with participants only", async () => {
    const quiet = mmChannel({
      Id: "quiet",
      Name: "quiet-name",
      DisplayName: "Quiet",
      Type: "O",
      TeamId: "team-id",
    });
    const batch = batchOf({
      batchStart: 100,
      batchEnd: 200,
      channels: [quiet],
      history: {
        quiet: [
          { UserId: "a", UserEmail: "a@x", Username: "a", JoinTime: 50 },
          { UserId: "b", UserEmail: "b@x", Username: "b", JoinTime: 150, LeaveTime: 180 },
        ],
      },
    });
    const { text } = await csvOf(batch);
    assert.equal(
      text.split("\n").slice(1).join("\n"),
      [
        "50,0,,team-id,,,quiet,quiet-name,Quiet,public,a,a@x,a,,,,User a (a@x) was already in the channel,previously-joined,user,",
        "150,0,,team-id,,,quiet,quiet-name,Quiet,public,b,b@x,b,,,,User b (b@x) joined the channel,enter,user,",
        "180,0,,team-id,,,quiet,quiet-name,Quiet,public,b,b@x,b,,,,User b (b@x) left the channel,leave,user,",
        "",
      ].join("\n"),
    );
    const { xml, result } = await xmlOf(batch);
    assert.equal(result.messages, 0);
    const leaves = parseXml(xml).leaves.map(
      (l) => `${l.path.split("/").slice(-2).join("/")}=${l.text}`,
    );
    assert.deepEqual(leaves, [
      "Conversation/RoomID=public - quiet-name - quiet",
      "Conversation/StartTimeUTC=100",
      "ParticipantEntered/LoginName=a@x",
      "ParticipantEntered/UserType=user",
      "ParticipantEntered/DateTimeUTC=50",
      "ParticipantEntered/CorporateEmailID=a@x",
      "ParticipantEntered/LoginName=b@x",
      "ParticipantEntered/UserType=user",
      "ParticipantEntered/DateTimeUTC=150",
      "ParticipantEntered/CorporateEmailID=b@x",
      "ParticipantLeft/LoginName=b@x",
      "ParticipantLeft/UserType=user",
      "ParticipantLeft/DateTimeUTC=180",
      "ParticipantLeft/CorporateEmailID=b@x",
      "ParticipantLeft/LoginName=a@x",
      "ParticipantLeft/UserType=user",
      "ParticipantLeft/DateTimeUTC=200",
      "ParticipantLeft/CorporateEmailID=a@x",
      "Conversation/EndTimeUTC=200",
    ]);
  });

  test("DMs and group messages: type names, placeholder display names on post rows, channel display name elsewhere", async () => {
    const dm = mmChannel({ Id: "dm1", Name: "u1__u2", DisplayName: "", Type: "D", TeamId: "" });
    const gm = mmChannel({
      Id: "gm1",
      Name: "abc123",
      DisplayName: "u1, u2, u3",
      Type: "G",
      TeamId: "",
    });
    const dmPost = {
      ...author,
      TeamId: "",
      TeamName: "",
      TeamDisplayName: "",
      ChannelId: "dm1",
      ChannelName: "u1__u2",
      ChannelDisplayName: "Direct Message",
      ChannelType: "D" as const,
    };
    const gmPost = {
      ...dmPost,
      ChannelId: "gm1",
      ChannelName: "abc123",
      ChannelDisplayName: "Group Message",
      ChannelType: "G" as const,
    };
    const batch = batchOf({
      batchStart: 0,
      batchEnd: 100,
      channels: [gm, dm],
      posts: [
        { ...dmPost, PostId: "d1", PostCreateAt: 5, PostUpdateAt: 5, PostMessage: "hi" },
        { ...gmPost, PostId: "g1", PostCreateAt: 5, PostUpdateAt: 5, PostMessage: "hey all" },
      ],
    });
    const { text, zip } = await csvOf(batch);
    assert.equal(
      text.split("\n").slice(1).join("\n"),
      [
        // same ms: join rows (empty id) first, then by post id; ties across channels in channel-id order
        "0,0,,,,,dm1,u1__u2,,direct,user-id,user@example.com,user,,,,User user (user@example.com) was already in the channel,previously-joined,user,",
        '0,0,,,,,gm1,abc123,"u1, u2, u3",group,user-id,user@example.com,user,,,,User user (user@example.com) was already in the channel,previously-joined,user,',
        "5,5,,,,,dm1,u1__u2,Direct Message,direct,user-id,user@example.com,user,d1,,,hi,message,user,",
        "5,5,,,,,gm1,abc123,Group Message,group,user-id,user@example.com,user,g1,,,hey all,message,user,",
        "",
      ].join("\n"),
    );
    const metadata = zip.text("metadata.json");
    assert.ok(metadata.indexOf('"dm1"') < metadata.indexOf('"gm1"'));
    assert.ok(metadata.includes('"RoomId": "direct - dm1"'));
    assert.ok(metadata.includes('"RoomId": "group - gm1"'));
    assert.ok(metadata.includes('"ChannelDisplayName": "u1, u2, u3"'));

    const { xml } = await xmlOf(batch);
    const attrs = parseXml(xml)
      .attrs.filter((a) => "Perspective" in a)
      .map((a) => a["Perspective"]);
    assert.deepEqual(attrs, ["", "u1, u2, u3"]); // Conversations in channel-id order
    assert.ok(xml.includes("<RoomID>direct - u1__u2 - dm1</RoomID>"));
    assert.ok(xml.includes("<RoomID>group - abc123 - gm1</RoomID>"));
  });

  test("bots and webhooks: from_bot overrides the bot flag both ways; from_webhook changes nothing", async () => {
    const batch = batchWith([
      msgPost("b1", 1, "from a bot", {
        UserId: "bot",
        UserEmail: "bot@x",
        Username: "bot",
        PostProps: '{"from_bot":"true"}',
      }),
      msgPost("b2", 2, "bot flag off", {
        UserId: "bot2",
        UserEmail: "bot2@x",
        Username: "bot2",
        IsBot: true,
        PostProps: '{"from_bot":"false"}',
      }),
      msgPost("w1", 3, "webhook", {
        PostProps: '{"from_webhook":"true","override_username":"Deploy Bot"}',
      }),
      msgPost("b3", 4, "bots table", {
        UserId: "bot3",
        UserEmail: "bot3@x",
        Username: "bot3",
        IsBot: true,
      }),
    ]);
    const { records } = await csvOf(batch);
    const userTypes = Object.fromEntries(
      records.filter((r) => r[13] !== "" && r[13] !== "Post Id").map((r) => [r[13], r[18]]),
    );
    assert.deepEqual(userTypes, { b1: "bot", b2: "user", w1: "user", b3: "bot" });
    const { xml } = await xmlOf(batch);
    const entered = parseXml(xml)
      .leaves.filter((l) => l.path.endsWith("ParticipantEntered/UserType"))
      .map((l) => l.text);
    // sorted by email bytes: bot2@x, bot3@x, bot@x ('2' < '3' < '@'), user@example.com
    assert.deepEqual(entered, ["user", "bot", "bot", "user"]);
  });

  test("replies: Replied to Post Id column", async () => {
    const { records } = await csvOf(
      batchWith([
        msgPost("root", 1, "question"),
        msgPost("reply", 2, "answer", { PostRootId: "root" }),
      ]),
    );
    const reply = records.find((r) => r[13] === "reply")!;
    assert.equal(reply[15], "root");
    assert.equal(records.find((r) => r[13] === "root")![15], "");
  });

  test("permalink previews: Previews Post Id column and <PreviewsPost>", async () => {
    const batch = batchWith([
      msgPost("p1", 1, "see https://chat/pl/abc", { PostProps: '{"previewed_post":"abc"}' }),
    ]);
    const { records } = await csvOf(batch);
    assert.equal(records.find((r) => r[13] === "p1")![19], "abc");
    const { xml } = await xmlOf(batch);
    assert.ok(
      xml.includes(
        "      <Content>see https://chat/pl/abc</Content>\n      <PreviewsPost>abc</PreviewsPost>\n",
      ),
    );
  });
});

describe("attachments", () => {
  const withFiles = (exportAttachments = true) =>
    batchWith(
      [
        msgPost("p1", 1, "two files", { PostFileIds: ["f1", "f2"] }),
        msgPost("p2", 2, "one file", { PostFileIds: ["f3"] }),
      ],
      {
        exportAttachments,
        files: {
          p1: [
            {
              Id: "f1",
              Name: "report.pdf",
              Path: "20240101/teams/t/channels/c/users/u/f1/report.pdf",
            },
            { Id: "f2", Name: "", Path: "20240101/teams/t/channels/c/users/u/f2/photo.png" },
          ],
          p2: [
            {
              Id: "f3",
              Name: "notes.txt",
              Path: "20240101/teams/t/channels/c/users/u/f3/notes.txt",
            },
          ],
        },
      },
    );

  test("CSV: bytes copied under files/<post>/<file>-<base>; a file without a name shows only the path", async () => {
    const store = attachmentStore({
      "20240101/teams/t/channels/c/users/u/f1/report.pdf": Buffer.from("%PDF"),
      "20240101/teams/t/channels/c/users/u/f2/photo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      "20240101/teams/t/channels/c/users/u/f3/notes.txt": Buffer.from("notes"),
    });
    const { zip, records, result } = await csvOf(withFiles(), store);
    assert.deepEqual(zip.names(), [
      "posts.csv",
      "files/p1/f1-report.pdf",
      "files/p1/f2-photo.png",
      "files/p2/f3-notes.txt",
      "metadata.json",
    ]);
    assert.equal(zip.entries[1]!.data.toString(), "%PDF");
    assert.deepEqual([...zip.entries[2]!.data], [0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual(
      records.filter((r) => r[17] === "attachment").map((r) => r[MESSAGE]),
      [
        "report.pdf (files/p1/f1-report.pdf)",
        "(files/p1/f2-photo.png)",
        "notes.txt (files/p2/f3-notes.txt)",
      ],
    );
    assert.deepEqual(result, { messages: 2, files: 3, warnings: [] });
    assert.ok(zip.text("metadata.json").includes('"AttachmentsCount": 3'));
  });

  test("exportAttachments off: rows and counts stay, no bytes, nothing opened", async () => {
    const store = attachmentStore();
    const { zip, result } = await csvOf(withFiles(false), store);
    assert.deepEqual(zip.names(), ["posts.csv", "metadata.json"]);
    assert.equal(result.files, 0);
    assert.deepEqual(store.opened, []);
    const x = await xmlOf(withFiles(false), store);
    assert.deepEqual(x.zip.names(), ["actiance_export.xml"]);
    assert.ok(x.xml.includes("<FileTransferStarted>"));
  });

  test("a missing attachment is a warning, not a failure (CSV)", async () => {
    const store = attachmentStore({
      "20240101/teams/t/channels/c/users/u/f2/photo.png": "missing",
    });
    const { zip, result } = await csvOf(withFiles(), store);
    assert.deepEqual(zip.names(), [
      "posts.csv",
      "files/p1/f1-report.pdf",
      "files/p2/f3-notes.txt",
      "warning.txt",
      "metadata.json",
    ]);
    assert.equal(
      zip.text("warning.txt"),
      "Warning:File backend read: File missing for post; cannot copy file to archive - Post: p1 - 20240101/teams/t/channels/c/users/u/f2/photo.png\n",
    );
    assert.equal(result.warnings.length, 1);
    assert.equal(result.files, 2);
  });

  test("a read failure mid-copy is a 'Copy buffer' warning (Actiance); the other files still go in", async () => {
    const store = attachmentStore({
      "20240101/teams/t/channels/c/users/u/f1/report.pdf": "broken",
    });
    const { zip, result } = await xmlOf(withFiles(), store);
    assert.deepEqual(zip.names(), [
      "actiance_export.xml",
      "20240101/teams/t/channels/c/users/u/f1/report.pdf", // the partial entry, as with Go's zip writer
      "20240101/teams/t/channels/c/users/u/f2/photo.png",
      "20240101/teams/t/channels/c/users/u/f3/notes.txt",
      "warning.txt",
    ]);
    assert.equal(
      zip.text("warning.txt"),
      "Warning:Copy buffer: File missing for post; cannot copy file to archive - 20240101/teams/t/channels/c/users/u/f1/report.pdf",
    );
    assert.equal(result.files, 2);
  });

  test("a failing zip sink is an error, not a warning", async () => {
    const sink: ZipSink = {
      addText: async () => {},
      addEmail: async () => {},
      addStream: async (name, source) => {
        if (name !== "posts.csv") throw new Error("disk full");
        for await (const _ of source as AsyncIterable<unknown>) void _;
      },
    };
    await assert.rejects(
      writeCsvBatch({ batch: withFiles(), zip: sink, openAttachment: attachmentStore() }),
      /disk full/,
    );
  });

  test("a deleted post's file is written once per zip (Actiance), and listed twice in the XML", async () => {
    const batch = batchWith(
      [
        msgPost("p1", 1, "gone", {
          PostUpdateAt: 5,
          PostDeleteAt: 5,
          PostProps: '{"deleteBy":"u"}',
          PostFileIds: ["f1"],
        }),
      ],
      { files: { p1: [{ Id: "f1", Name: "a.txt", Path: "x/f1/a.txt", DeleteAt: 5 }] } },
    );
    const { zip, xml } = await xmlOf(batch);
    assert.deepEqual(zip.names(), ["actiance_export.xml", "x/f1/a.txt"]);
    assert.equal(xml.split("<FileTransferStarted>").length - 1, 1);
    assert.ok(xml.includes("<Content>delete x/f1/a.txt</Content>"));
  });

  test("openAttachment throwing synchronously is treated like a missing file", async () => {
    const thrower = (() => {
      throw new Error("boom");
    }) as unknown as Parameters<typeof writeCsvBatch>[0]["openAttachment"];
    const zip = new MemoryZipSink();
    const result = await writeCsvBatch({ batch: withFiles(), zip, openAttachment: thrower });
    assert.equal(result.warnings.length, 3);
  });

  test("an attachment stream of many chunks is copied whole", async () => {
    const zip = new MemoryZipSink();
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i));
    const open = async () => Readable.from(parts);
    await writeActianceBatch({
      batch: batchWith([msgPost("p1", 1, "m", { PostFileIds: ["f"] })], {
        files: { p1: [{ Id: "f", Name: "n", Path: "big.bin" }] },
      }),
      zip,
      openAttachment: open,
    });
    assert.ok(zip.entries.find((e) => e.name === "big.bin")!.data.equals(Buffer.concat(parts)));
  });
});

describe("edits and deletes", () => {
  test("a post edited and then deleted in the same batch", async () => {
    // Mattermost on edit: a new row keeps the old text (OriginalId = live id, DeleteAt = UpdateAt =
    // edit time); the live row gets the new text and EditAt. The live row is then deleted.
    const batch = batchWith(
      [
        msgPost("old-copy", 10, "first text", {
          PostUpdateAt: 20,
          PostDeleteAt: 20,
          PostOriginalId: "live",
        }),
        msgPost("live", 10, "second text", {
          PostUpdateAt: 30,
          PostEditAt: 20,
          PostDeleteAt: 30,
          PostProps: '{"deleteBy":"user-id"}',
        }),
      ],
      { jobStartTime: 5 },
    );
    const { text } = await csvOf(batch);
    const S =
      "team-id,team-name,Team,channel-id,channel-name,channel-display-name,public,user-id,user@example.com,user";
    assert.equal(
      text.split("\n").slice(1).join("\n"),
      [
        `0,0,,team-id,team-name,Team,channel-id,channel-name,channel-display-name,public,user-id,user@example.com,user,,,,User user (user@example.com) was already in the channel,previously-joined,user,`,
        `10,30,,${S},live,,,second text,message,user,`,
        `10,30,Deleted,${S},live,,,delete second text,message,user,`,
        `10,20,EditedOriginalMsg,${S},old-copy,live,,first text,message,user,`,
        "",
      ].join("\n"),
    );
    const { xml, result } = await xmlOf(batch);
    assert.equal(result.messages, 3);
    const messages = xml
      .split("<Message>")
      .slice(1)
      .map((m) => m.split("</Message>")[0]!.replace(/\s+/g, " ").trim());
    assert.deepEqual(messages, [
      "<MessageId>live</MessageId> <LoginName>user@example.com</LoginName> <UserType>user</UserType> <DateTimeUTC>10</DateTimeUTC> <Content>second text</Content>",
      "<MessageId>old-copy</MessageId> <LoginName>user@example.com</LoginName> <UserType>user</UserType> <DateTimeUTC>10</DateTimeUTC> <UpdatedType>EditedOriginalMsg</UpdatedType> <UpdatedDateTimeUTC>20</UpdatedDateTimeUTC> <EditedNewMsgId>live</EditedNewMsgId> <Content>first text</Content>",
      "<MessageId>live</MessageId> <LoginName>user@example.com</LoginName> <UserType>user</UserType> <DateTimeUTC>10</DateTimeUTC> <UpdatedType>Deleted</UpdatedType> <UpdatedDateTimeUTC>30</UpdatedDateTimeUTC> <Content>delete second text</Content>",
    ]);
  });

  test("file deleted while the post stays: attachment and deleted attachment rows", async () => {
    const batch = batchWith(
      [msgPost("p1", 10, "keep", { PostUpdateAt: 15, PostFileIds: ["f1"] })],
      {
        files: { p1: [{ Id: "f1", Name: "a.txt", Path: "d/a.txt", DeleteAt: 15 }] },
      },
    );
    const { records } = await csvOf(batch);
    assert.deepEqual(
      records.filter((r) => r[13] === "p1").map((r) => [r[0], r[1], r[2], r[MESSAGE], r[17]]),
      [
        ["10", "15", "UpdatedNoMsgChange", "keep", "message"],
        ["10", "15", "", "a.txt (files/p1/f1-a.txt)", "attachment"],
        ["10", "15", "FileDeleted", "a.txt (files/p1/f1-a.txt)", "deleted attachment"],
      ],
    );
  });
});

test("metadata.json: Go string escaping of channel fields, channels sorted by id, per-batch counts", async () => {
  const channels = [
    mmChannel({ Id: "b", Name: "b<&>", DisplayName: 'Q "x" \u2028', Type: "P", TeamId: "t" }),
    mmChannel({ Id: "a", Name: "a", DisplayName: "A", Type: "O", TeamId: "t" }),
    TEST_CHANNEL,
  ];
  const batch = batchOf({
    batchStart: 10,
    batchEnd: 20,
    exportPeriodStart: 5,
    jobEndTime: 50,
    channels,
    posts: [msgPost("p1", 11, "m", { ChannelId: "b" })],
  });
  const { zip } = await csvOf(batch);
  const json = zip.text("metadata.json");
  assert.ok(json.includes('"ChannelName": "b\\u003c\\u0026\\u003e"'));
  assert.ok(json.includes('"ChannelDisplayName": "Q \\"x\\" \\u2028"'));
  const parsed = JSON.parse(json) as {
    Channels: Record<string, { MessagesCount: number; StartTime: number; EndTime: number }>;
    StartTime: number;
    EndTime: number;
  };
  assert.deepEqual(Object.keys(parsed.Channels), ["a", "b", "channel-id"]);
  assert.equal(parsed.Channels["b"]!.MessagesCount, 1);
  assert.equal(parsed.Channels["b"]!.StartTime, 5);
  assert.equal(parsed.Channels["b"]!.EndTime, 50);
  assert.equal(parsed.StartTime, 10);
  assert.equal(parsed.EndTime, 20);
  assert.ok(!json.endsWith("\n"));
});

test("CSV and Actiance keep Windows-unsafe characters of a file's name, as Mattermost does, and refer to it by that exact name (issue 11 item 18, docs/export-engine.md)", async () => {
  const path = 'data/20260101/teams/t/channels/c/users/u/f1/Q3: plan? "final" <v2>|draft.txt';
  const batch = batchWith([msgPost("p1", 10, "see file", { PostFileIds: ["f1"] })], {
    files: { p1: [{ Id: "f1", Name: 'Q3: plan? "final" <v2>|draft.txt', Path: path }] },
  });
  const store = () => attachmentStore({ [path]: Buffer.from("bytes") });
  const csv = await csvOf(batch, store());
  const csvEntry = 'files/p1/f1-Q3: plan? "final" <v2>|draft.txt';
  assert.ok(csv.zip.names().includes(csvEntry), csv.zip.names().join("\n"));
  assert.ok(
    csv.records.some((r) => r[MESSAGE] === `Q3: plan? "final" <v2>|draft.txt (${csvEntry})`),
    "posts.csv names the attachment by its entry name",
  );
  const xml = await xmlOf(batch, store());
  assert.ok(xml.zip.names().includes(path), xml.zip.names().join("\n"));
  assert.ok(
    parseXml(xml.xml).leaves.some((l) => l.path.endsWith("/FileName") && l.text === path),
    "actiance_export.xml names the attachment by its path",
  );
});
