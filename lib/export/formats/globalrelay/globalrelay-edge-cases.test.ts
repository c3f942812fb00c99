// Custodian's own Global Relay cases: header injection, non-ASCII and RTL names, HTML in messages,
// long participant lists and lines, zero-length conversations, deterministic order and bytes, the
// zip format, and the formatting helpers.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  attachmentStore,
  batchOf,
  mmChannel,
  type MmMemberHistory,
  type MmMessageExport,
} from "../testing/fixtures.ts";
import { MemoryZipSink } from "../testing/memory-zip-sink.ts";
import { readEml, renderAll, type RenderedEml } from "./test-helpers.ts";
import { duration, goQuote, roundToMinute, timestamp } from "./format.ts";
import { encodeRfc2047, foldHeader, MAX_LINE_OCTETS } from "./headers.ts";
import { renderGlobalRelayEmails } from "./render-global-relay-emails.ts";
import { writeGlobalRelayZipBatch } from "./write-global-relay-zip-batch.ts";
import type { BatchInput } from "../../model.ts";

const START = 1_700_000_000_000;

function post(
  channelId: string,
  id: string,
  at: number,
  message: string,
  over: MmMessageExport = {},
): MmMessageExport {
  return {
    PostId: id,
    PostCreateAt: at,
    PostUpdateAt: at,
    PostMessage: message,
    PostProps: "{}",
    TeamId: "team",
    TeamName: "team-name",
    TeamDisplayName: "Team",
    ChannelId: channelId,
    ChannelType: "O",
    UserId: "u1",
    UserEmail: "u1@example.com",
    Username: "alice",
    ...over,
  };
}

function oneChannel(options: {
  name?: string;
  displayName?: string;
  posts: MmMessageExport[];
  history?: MmMemberHistory[];
  end?: number;
  files?: Parameters<typeof batchOf>[0]["files"];
  exportAttachments?: boolean;
}): BatchInput {
  return batchOf({
    batchStart: START,
    batchEnd: options.end ?? START + 60_000,
    jobStartTime: START,
    channels: [
      mmChannel({
        Id: "ch1",
        Name: options.name ?? "town-square",
        DisplayName: options.displayName ?? "Town Square",
        Type: "O",
        TeamId: "team",
      }),
    ],
    history: { ch1: options.history ?? [] },
    posts: options.posts,
    files: options.files,
    exportAttachments: options.exportAttachments,
  });
}

/** RFC 5322 shape of the header block: field lines or continuation lines, none longer than 998 octets. */
function assertHeaderShape(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
  const lines = head.split("\r\n");
  for (const line of lines) {
    assert.ok(
      /^[!-9;-~]+: ?/.test(line) || /^[ \t]/.test(line),
      `header line shape: ${JSON.stringify(line)}`,
    );
  }
  return lines.filter((l) => !/^[ \t]/.test(l)).map((l) => l.slice(0, l.indexOf(":")));
}

/** mailparser leaves X- headers encoded; decode Mattermost's B words (characters are never split across words). */
function decodeWords(value: unknown): string {
  return String(value)
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?b\?([A-Za-z0-9+/=]*)\?=/gi, (_, b64: string) =>
      Buffer.from(b64, "base64").toString("utf8"),
    );
}

function assertLineLengths(raw: Buffer | string): void {
  const buf = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  let start = 0;
  for (;;) {
    const end = buf.indexOf("\r\n", start);
    const line = end < 0 ? buf.subarray(start) : buf.subarray(start, end);
    assert.ok(line.length <= MAX_LINE_OCTETS, `line of ${line.length} octets`);
    assert.ok(!line.includes(0x0a) && !line.includes(0x0d), "no bare CR or LF");
    if (end < 0) break;
    start = end + 2;
  }
}

describe("header injection and encoding", () => {
  test("a channel name with CRLF + Bcc stays in its header: no Bcc, subject decodes to the literal text", async () => {
    const evil = "x\r\nBcc: evil@example.com";
    const [eml] = await renderAll(
      oneChannel({
        name: "../x\r\nBcc",
        displayName: evil,
        posts: [
          post("ch1", "p1", START + 1000, "hi", { UserEmail: "a@b.c\r\nBcc: x@evil.example" }),
        ],
      }),
    );
    const names = assertHeaderShape(eml!.raw);
    assert.deepEqual(names, [
      "MIME-Version",
      "From",
      "To",
      "Subject",
      "Content-Transfer-Encoding",
      "Auto-Submitted",
      "Precedence",
      "X-GlobalRelay-MsgType",
      "X-Mattermost-ChannelName",
      "X-Mattermost-ChannelID",
      "X-Mattermost-ChannelType",
      "Date",
      "Message-ID",
      "Content-Type",
    ]);
    assert.equal(eml!.parsed.headers.has("bcc"), false);
    assert.equal(eml!.parsed.bcc, undefined);
    assert.equal(eml!.parsed.subject, "Mattermost Compliance Export: " + evil);
    assert.equal(decodeWords(eml!.parsed.headers.get("x-mattermost-channelname")), evil);
    assert.ok(eml!.raw.includes("\r\nSubject: =?utf-8?b?"), "Mattermost's B encoding");
    // The address lost its line break and the characters that would make it a list.
    assert.equal(eml!.email.from, "a@b.cBcc_x@evil.example");
    assert.deepEqual(eml!.email.to, ["a@b.cBcc_x@evil.example"]);
    // The zip entry name cannot leave the zip's root or carry control characters.
    assert.equal(eml!.email.fileName, ".._x__Bcc - (ch1) - 0.eml");
    assertLineLengths(eml!.raw);
  });

  test("emoji and right-to-left subject: encoded words of whole characters, decodes exactly", async () => {
    const name = "Équipe 🎉👩‍👩‍👧 \u202Eevil\u202C שלום עולם مرحبا " + "🎉".repeat(40);
    const [eml] = await renderAll(
      oneChannel({ displayName: name, posts: [post("ch1", "p1", START + 1000, "hi")] }),
    );
    assert.equal(eml!.parsed.subject, "Mattermost Compliance Export: " + name);
    const head = eml!.raw.slice(0, eml!.raw.indexOf("\r\n\r\n"));
    assert.ok(/^[\x20-\x7e\r\n]*$/.test(head), "the header block is ASCII");
    assertLineLengths(eml!.raw);
  });

  test("a display name of 2000 printable ASCII characters without spaces is still folded", async () => {
    const name = "a".repeat(2000);
    const [eml] = await renderAll(
      oneChannel({ displayName: name, posts: [post("ch1", "p1", START + 1000, "hi")] }),
    );
    assert.ok(eml!.parsed.subject === "Mattermost Compliance Export: " + name, "subject");
    assert.ok(
      decodeWords(eml!.parsed.headers.get("x-mattermost-channelname")) === name,
      "channel name header",
    );
    assertLineLengths(eml!.raw);
  });

  test("encodeRfc2047 is Go's mime.BEncoding: ASCII unchanged, words of at most 45 bytes, characters kept whole", () => {
    assert.equal(encodeRfc2047("plain text\tok"), "plain text\tok");
    assert.equal(encodeRfc2047("é"), "=?utf-8?b?w6k=?=");
    const long = "é".repeat(30); // 60 bytes: 22 characters (44 bytes) then 8
    assert.equal(
      encodeRfc2047(long),
      `=?utf-8?b?${Buffer.from("é".repeat(22)).toString("base64")}?= =?utf-8?b?${Buffer.from("é".repeat(8)).toString("base64")}?=`,
    );
    for (const word of encodeRfc2047("🎉".repeat(30)).split(" ")) assert.ok(word.length <= 75);
  });

  test("foldHeader is gomail's folding", () => {
    assert.deepEqual(foldHeader("Subject", "short"), ["Subject: short"]);
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(" ");
    const lines = foldHeader("Subject", words);
    assert.ok(lines.length > 1);
    assert.ok(lines.every((l, i) => l.length <= (i === 0 ? 76 : 76)));
    assert.equal(lines.join("\r\n").replace(/\r\n /g, " "), "Subject: " + words);
  });
});

describe("bodies", () => {
  test("<script> in a message is escaped in the HTML part and literal in the text part", async () => {
    const message = `<script>alert("x")</script> & 'quotes' + more`;
    const [eml] = await renderAll(
      oneChannel({ posts: [post("ch1", "p1", START + 1000, message)] }),
    );
    assert.ok(
      eml!.html.includes(
        `<span class="message">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quotes&#39; &#43; more</span>`,
      ),
    );
    assert.ok(!eml!.html.includes("<script>"));
    assert.ok(eml!.text.includes(`(u1@example.com) ${message}\n`));
  });

  test("whitespace and line breaks in a message: verbatim in HTML (CRLF), collapsed in text", async () => {
    const [eml] = await renderAll(
      oneChannel({
        posts: [post("ch1", "p1", START + 1000, "line 1\nline  2\r\n\tline 3\u0000end")],
      }),
    );
    assert.ok(
      eml!.html.includes('<span class="message">line 1\nline  2\n\tline 3\uFFFDend</span>'),
    );
    assert.ok(eml!.text.includes("(u1@example.com) line 1 line 2 line 3\uFFFDend\n"));
  });

  test("a 1 MB message on one line: no line over 998 octets, decodes intact", async () => {
    const message = "x".repeat(1024 * 1024);
    const [eml] = await renderAll(
      oneChannel({ posts: [post("ch1", "p1", START + 1000, message)] }),
    );
    assertLineLengths(eml!.raw);
    assert.ok(eml!.html.includes(`<span class="message">${message}</span>`));
    assert.ok(eml!.text.includes(message));
  });

  test("a long participant list: To is folded after commas when it would pass 998 octets, every address kept", async () => {
    const history: MmMemberHistory[] = Array.from({ length: 300 }, (_, i) => ({
      UserId: `user-${String(i).padStart(3, "0")}`,
      UserEmail: `participant-${String(i).padStart(3, "0")}@example.com`,
      Username: `user${String(i).padStart(3, "0")}`,
      JoinTime: START,
    }));
    const [eml] = await renderAll(
      oneChannel({
        history,
        posts: [
          post("ch1", "p1", START + 1000, "hi", {
            UserId: "user-150",
            UserEmail: "participant-150@example.com",
            Username: "user150",
          }),
        ],
      }),
    );
    assertLineLengths(eml!.raw);
    const to = eml!.parsed.to;
    const addresses = (Array.isArray(to) ? to : [to!]).flatMap((a) =>
      a.value.map((v) => v.address),
    );
    assert.equal(addresses.length, 300);
    assert.equal(addresses[0], "participant-000@example.com");
    assert.equal(
      eml!.email.from,
      "participant-000@example.com",
      "From: the first participant by username",
    );
    assert.ok(eml!.html.includes('<td class="messages">1</td>'));
  });

  test("a short participant list keeps Mattermost's unspaced To", async () => {
    const history: MmMemberHistory[] = [
      { UserId: "u2", UserEmail: "zed@example.com", Username: "zed", JoinTime: START },
      { UserId: "u1", UserEmail: "u1@example.com", Username: "alice", JoinTime: START },
    ];
    const [eml] = await renderAll(
      oneChannel({ history, posts: [post("ch1", "p1", START + 1000, "hi")] }),
    );
    assert.ok(
      eml!.raw.includes("\r\nFrom: u1@example.com\r\nTo: u1@example.com,zed@example.com\r\n"),
    );
  });

  test("a 0-second conversation: durations read 0 seconds", async () => {
    const [eml] = await renderAll(
      oneChannel({ end: START, posts: [post("ch1", "p1", START, "same instant")] }),
    );
    assert.ok(eml!.text.includes("* Duration: 0 seconds\n"));
    assert.ok(eml!.html.includes('<td class="duration">0 seconds</td>'));
    assert.ok(
      eml!.raw.includes(`\r\nDate: ${new Date(START).toUTCString().replace("GMT", "+0000")}\r\n`),
    );
  });

  test("bot posts and webhook names: usertype bot, postusername from the props", async () => {
    const [eml] = await renderAll(
      oneChannel({
        posts: [
          post("ch1", "p1", START + 1000, "from a bot", {
            PostProps: '{"from_bot":"true","override_username":"Deploy Bot"}',
            UserId: "b1",
            Username: "deploybot",
            UserEmail: "bot@example.com",
          }),
          post("ch1", "p2", START + 2000, "not a string override", {
            PostProps: '{"override_username":42,"webhook_display_name":"Hook"}',
          }),
        ],
      }),
    );
    assert.ok(
      eml!.text.includes(
        "* p1 2023-11-14T22:13:21Z @deploybot b1 @Deploy Bot bot (bot@example.com) from a bot\n",
      ),
    );
    assert.ok(
      eml!.text.includes(
        "* p2 2023-11-14T22:13:22Z @alice u1 @Hook user (u1@example.com) not a string override\n",
      ),
    );
    assert.ok(eml!.html.includes('<td class="usertype">bot</td>'));
  });

  test("permalink previews and edits carry their spans", async () => {
    const [eml] = await renderAll(
      oneChannel({
        posts: [
          post("ch1", "p1", START + 1000, "edited text", {
            PostUpdateAt: START + 5000,
            PostEditAt: START + 5000,
            PostProps: '{"previewed_post":"prev0000000000000000000000"}',
          }),
        ],
      }),
    );
    assert.ok(
      eml!.html.includes(
        '<span class="previews_post">prev0000000000000000000000</span>\n    <span class="update_type">EditedNewMsg</span>\n    <span class="update_time">2023-11-14T22:13:25Z</span>\n    <span class="edited_new_msg_id"></span>\n</li>',
      ),
    );
    assert.ok(
      eml!.text.includes(
        "edited text prev0000000000000000000000 EditedNewMsg 2023-11-14T22:13:25Z\n",
      ),
    );
  });

  test("non-ASCII and hostile file names: attached under their base name, type by extension", async () => {
    const files = {
      p1: [
        { Id: "f1", Name: "rapport été 📎.pdf", Path: "data/f1", CreateAt: START + 1000, Size: 5 },
        {
          Id: "f2",
          Name: 'dir/sub/naïve "quoted";.txt',
          Path: "data/f2",
          CreateAt: START + 1000,
          Size: 3,
        },
      ],
    };
    const [eml] = await renderAll(
      oneChannel({
        posts: [post("ch1", "p1", START + 1000, "files", { PostFileIds: ["f1", "f2"] })],
        files,
      }),
      {
        "data/f1": Buffer.from("%PDF-"),
        "data/f2": Buffer.from("abc"),
      },
    );
    assert.deepEqual(
      eml!.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()]),
      [
        ["rapport été 📎.pdf", "application/pdf", "%PDF-"],
        ['naïve "quoted";.txt', "text/plain", "abc"],
      ],
    );
    assert.ok(eml!.text.includes('Uploaded file dir/sub/naïve "quoted";.txt\n'));
    assertLineLengths(eml!.raw);
  });

  test("ExportAttachments off: files are listed, not attached", async () => {
    const files = {
      p1: [{ Id: "f1", Name: "a.txt", Path: "data/f1", CreateAt: START + 1000, Size: 3 }],
    };
    const [eml] = await renderAll(
      oneChannel({
        exportAttachments: false,
        posts: [post("ch1", "p1", START + 1000, "files", { PostFileIds: ["f1"] })],
        files,
      }),
      { "data/f1": Buffer.from("abc") },
    );
    assert.equal(eml!.parsed.attachments.length, 0);
    assert.ok(eml!.text.includes("Uploaded file a.txt"));
  });
});

describe("order and determinism", () => {
  const twoChannels = (): BatchInput =>
    batchOf({
      batchStart: START,
      batchEnd: START + 60_000,
      jobStartTime: START,
      channels: [
        mmChannel({ Id: "chB", Name: "bravo", DisplayName: "Bravo", Type: "O", TeamId: "team" }),
        mmChannel({ Id: "chA", Name: "alpha", DisplayName: "Alpha", Type: "P", TeamId: "team" }),
      ],
      posts: [
        post("chB", "pb", START + 1000, "in bravo", { PostFileIds: ["fb"] }),
        post("chA", "pz", START + 2000, "later plain", { PostFileIds: ["fz"] }),
        post("chA", "pa", START + 2000, "same time plain", { PostFileIds: ["fa"] }),
        post("chA", "p0", START + 1000, "earlier"),
      ],
      files: {
        pb: [{ Id: "fb", Name: "b.txt", Path: "b", CreateAt: START + 1000 }],
        pz: [{ Id: "fz", Name: "z.txt", Path: "z", CreateAt: START + 2000 }],
        pa: [{ Id: "fa", Name: "a.txt", Path: "a", CreateAt: START + 2000 }],
      },
    });

  test("channels in id order; ties by (time, plain before file lines, post id)", async () => {
    const emls = await renderAll(twoChannels());
    assert.deepEqual(
      emls.map((e) => e.email.fileName),
      ["alpha - (chA) - 0.eml", "bravo - (chB) - 0.eml"],
    );
    const order = emls[0]!.text
      .split("\n")
      .filter((l) => l.startsWith("* p"))
      .map((l) => l.replace(/^\* (\S+) .*\) /, "$1 "));
    assert.deepEqual(order, [
      "p0 earlier",
      "pa same time plain",
      "pz later plain",
      "pa Uploaded file a.txt",
      "pz Uploaded file z.txt",
    ]);
    assert.ok(emls[0]!.raw.includes("\r\nX-Mattermost-ChannelType: private\r\n"));
  });

  test("the same batch renders to the same bytes and Message-IDs; another export (scope) gets other ids", async () => {
    const a = await renderAll(twoChannels());
    const b = await renderAll(twoChannels());
    assert.deepEqual(
      a.map((e) => e.raw),
      b.map((e) => e.raw),
    );
    for (const e of a) assert.match(e.email.messageId, /^<[0-9a-f]{40}@custodian>$/);
    assert.equal(a[0]!.parsed.messageId, a[0]!.email.messageId);
    assert.notEqual(
      a[0]!.email.messageId,
      a[1]!.email.messageId,
      "each channel's email has its own id",
    );
    const other = await renderAll(twoChannels(), {}, { jobId: "another-policy" });
    assert.notEqual(other[0]!.email.messageId, a[0]!.email.messageId);
  });

  test("a stream can be read again, byte-identical (the resend after a lost reply)", async () => {
    const batch = twoChannels();
    for await (const email of renderGlobalRelayEmails({
      batch,
      scope: "j",
      openAttachment: attachmentStore({ b: Buffer.from("bbb") }),
      log: { error() {}, warn() {} },
    })) {
      const first = await readEml(email);
      const second = await readEml(email);
      assert.ok(first.equals(second));
    }
  });
});

describe("globalrelay-zip", () => {
  test("entry names carry none of Windows' reserved characters or control characters (issue 11 item 18)", async () => {
    const zip = new MemoryZipSink();
    const name = 'Q3: "plan" <draft> | a*b?\u0007';
    const batch = batchOf({
      batchStart: START,
      batchEnd: START + 60_000,
      channels: [
        mmChannel({ Id: "ch:2|x", Name: name, DisplayName: "Q3", Type: "O", TeamId: "team" }),
      ],
      posts: [post("ch:2|x", "p1", START + 1000, "hi")],
    });
    await writeGlobalRelayZipBatch({ batch, zip, openAttachment: attachmentStore({}) });
    assert.deepEqual(zip.names(), ["Q3_ _plan_ _draft_ _ a_b__ - (ch_2_x) - 0.eml"]);
    for (const entry of zip.names()) assert.doesNotMatch(entry, /[:*?"<>|\\/\u0000-\u001f\u007f]/);
  });

  test("one entry per email, named <ChannelName> - (<ChannelId>) - <n>.eml; warnings for missing files", async () => {
    const zip = new MemoryZipSink();
    const batch = batchOf({
      batchStart: START,
      batchEnd: START + 60_000,
      channels: [
        mmChannel({
          Id: "ch1",
          Name: "town-square",
          DisplayName: "Town Square",
          Type: "O",
          TeamId: "team",
        }),
      ],
      posts: [post("ch1", "p1", START + 1000, "hi", { PostFileIds: ["f1", "f2"] })],
      files: {
        p1: [
          { Id: "f1", Name: "ok.txt", Path: "ok", CreateAt: START + 1000 },
          { Id: "f2", Name: "gone.txt", Path: "gone", CreateAt: START + 1000 },
        ],
      },
    });
    const result = await writeGlobalRelayZipBatch({
      batch,
      zip,
      openAttachment: attachmentStore({ ok: Buffer.from("ok"), gone: "missing" }),
    });
    assert.deepEqual(zip.names(), ["town-square - (ch1) - 0.eml"]);
    assert.deepEqual(result, {
      messages: 1,
      files: 1,
      warnings: [
        "Warning:File backend read: File missing for post; cannot copy file to archive - Post: p1 - gone",
      ],
    });
    assert.match(
      zip.text("town-square - (ch1) - 0.eml"),
      /^MIME-Version: 1\.0\r\nFrom: u1@example\.com\r\n/,
    );
  });

  test("an attachment that fails while being read fails the batch", async () => {
    const zip = new MemoryZipSink();
    const batch = oneChannel({
      posts: [post("ch1", "p1", START + 1000, "hi", { PostFileIds: ["f1"] })],
      files: { p1: [{ Id: "f1", Name: "x", Path: "x", CreateAt: START }] },
    });
    await assert.rejects(
      writeGlobalRelayZipBatch({ batch, zip, openAttachment: attachmentStore({ x: "broken" }) }),
      /read failed/,
    );
  });

  test("a channel with only joins and leaves still gets an email without messages", async () => {
    const batch = oneChannel({
      posts: [],
      history: [
        {
          UserId: "u9",
          UserEmail: "nine@example.com",
          Username: "nine",
          JoinTime: START + 5,
          LeaveTime: START + 10,
        },
      ],
    });
    const emls: RenderedEml[] = await renderAll(batch);
    assert.equal(emls.length, 1);
    assert.ok(emls[0]!.text.includes("--------\nMessages\n--------\n\nExported on"));
    assert.equal(emls[0]!.email.from, "nine@example.com");
  });
});

describe("formatting helpers", () => {
  test("durations: rounded to the minute (halves away from zero), durafmt units", () => {
    assert.equal(duration(0), "0 seconds");
    assert.equal(duration(29_999), "0 seconds");
    assert.equal(duration(30_000), "1 minute");
    assert.equal(duration(99_600), "2 minutes");
    assert.equal(duration(3_661_000), "1 hour 1 minute");
    assert.equal(duration(8 * 86_400_000), "1 week 1 day");
    assert.equal(duration(366 * 86_400_000 + 120_000), "1 year 1 day 2 minutes");
    assert.equal(duration(-90_000), "-2 minutes");
    assert.equal(roundToMinute(-30_000), -60_000);
  });

  test("timestamps: whole seconds, RFC 3339 UTC", () => {
    assert.equal(timestamp(100_999), "1970-01-01T00:01:40Z");
    assert.equal(timestamp(-1), "1970-01-01T00:00:00Z");
  });

  test("goQuote is Go's %q", () => {
    assert.equal(goQuote('a "b" \\ c'), '"a \\"b\\" \\\\ c"');
    assert.equal(goQuote("tab\tnl\n\u0001\u00a0é🎉"), '"tab\\tnl\\n\\x01\\u00a0é🎉"');
  });
});
