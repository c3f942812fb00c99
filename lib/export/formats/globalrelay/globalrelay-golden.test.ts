// Golden tests ported from Mattermost's global_relay_export_test.go @86cbc78b (TestGlobalRelayExport,
// all 11 cases) and the e2e golden files testdata/grE2E1Batch1.tmpl / grE2E1Batch1Summary.tmpl
// @05be04ea. Mattermost checks substrings of the raw (quoted-printable) EML; here the EML is parsed
// with mailparser and the same substrings are checked in the decoded text and HTML parts (the
// expected strings are Mattermost's, QP-decoded: soft breaks joined, =3D as =). Headers are
// checked in the raw bytes, which Custodian writes exactly as Mattermost does.
//
// Like the Go test, the batch runs from 1 to `endTime`, the channel window is the batch, and
// JobStartTime is 0 (so "Exported on" is the epoch and every deleted post also gets its created entry).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  batchOf,
  mmChannel,
  TEST_CHANNEL,
  type MmFileInfo,
  type MmMemberHistory,
  type MmMessageExport,
} from "../testing/fixtures.ts";
import { renderAll, type RenderedEml } from "./test-helpers.ts";
import type { BatchInput } from "../../model.ts";

const lines = (...l: string[]) => l.join("\n");

function headers(date: string): string[] {
  return [
    "MIME-Version: 1.0",
    "X-Mattermost-ChannelType: direct",
    "Content-Transfer-Encoding: 8bit",
    "Precedence: bulk",
    "X-GlobalRelay-MsgType: Mattermost",
    "X-Mattermost-ChannelID: channel-id",
    "X-Mattermost-ChannelName: channel-display-name",
    "Auto-Submitted: auto-generated",
    `Date: ${date}`,
    "From: test1@test.com",
    "To: test1@test.com,test2@test.com",
    "Subject: Mattermost Compliance Export: channel-display-name",
  ];
}
const DATE_100 = "Thu, 01 Jan 1970 00:01:40 +0000";

function summaryText(ended: string, duration: string): string {
  return lines(
    "* TeamId: team-id",
    "* TeamName: team-name",
    "* TeamDisplayName: team-display-name",
    "* ChannelId: channel-id",
    "* ChannelName: channel-name",
    "* ChannelDisplayName: channel-display-name",
    "* Started: 1970-01-01T00:00:00Z",
    `* Ended: ${ended}`,
    `* Duration: ${duration}`,
  );
}

function summaryHtml(ended: string, duration: string): string {
  return lines(
    "    <ul>",
    '        <li><span class="bold">TeamId:</span>team-id</li>',
    '        <li><span class="bold">TeamName:</span>team-name</li>',
    '        <li><span class="bold">TeamDisplayName:</span>team-display-name</li>',
    '        <li><span class="bold">ChannelId:</span>channel-id</li>',
    '        <li><span class="bold">ChannelName:</span>channel-name</li>',
    '        <li><span class="bold">ChannelDisplayName:</span>channel-display-name</li>',
    '        <li><span class="bold">Started:</span>1970-01-01T00:00:00Z</li>',
    `        <li><span class="bold">Ended:</span>${ended}</li>`,
    `        <li><span class="bold">Duration:</span>${duration}</li>`,
    "    </ul>",
  );
}

type Row = [
  userid: string,
  username: string,
  email: string,
  left: string,
  duration: string,
  messages: number,
];

function rowsHtml(...rows: Row[]): string {
  return rows
    .map(([userid, username, email, left, duration, messages]) =>
      lines(
        "<tr>",
        `    <td class="userid">${userid}</td>`,
        `    <td class="username">@${username}</td>`,
        '    <td class="usertype">user</td>',
        `    <td class="email">${email}</td>`,
        '    <td class="joined">1970-01-01T00:00:00Z</td>',
        `    <td class="left">${left}</td>`,
        `    <td class="duration">${duration}</td>`,
        `    <td class="messages">${messages}</td>`,
        "</tr>",
      ),
    )
    .join("\n\n");
}

type Li = {
  id: string;
  sent: string;
  userid: string;
  postusername?: string;
  message: string;
  previews?: string;
  update?: [type: string, time: string];
};

function messagesHtml(...items: Li[]): string {
  return items
    .map((m) =>
      lines(
        '<li class="message">',
        `    <span class="post_id">${m.id}</span>`,
        `    <span class="sent_time">${m.sent}</span>`,
        '    <span class="username">@test1</span>',
        `    <span class="userid">${m.userid}</span>`,
        `    <span class="postusername">@${m.postusername ?? "test1"}</span>`,
        '    <span class="usertype">user</span>',
        '    <span class="email">(test1@test.com)</span>',
        `    <span class="message">${m.message}</span>`,
        ...(m.previews ? [`    <span class="previews_post">${m.previews}</span>`] : []),
        ...(m.update
          ? [
              `    <span class="update_type">${m.update[0]}</span>`,
              `    <span class="update_time">${m.update[1]}</span>`,
              '    <span class="edited_new_msg_id"></span>',
            ]
          : []),
        "</li>",
      ),
    )
    .join("\n\n");
}

function messagesText(...items: string[]): string {
  return lines("--------", "Messages", "--------", "", ...items);
}

const T0 = "1970-01-01T00:00:00Z";
const T100 = "1970-01-01T00:01:40Z";
const T200 = "1970-01-01T00:03:20Z";

type Expected = {
  headers: string[];
  texts: string[];
  notTexts?: string[];
  htmls: string[];
  /** [filename, content] of every attachment part. */
  attachments?: [string, string][];
};

function check(eml: RenderedEml, expected: Expected, label: string): void {
  // Like Mattermost's test, a substring (its To is a prefix of the full list); here also at a line start.
  const head = "\r\n" + eml.raw.slice(0, eml.raw.indexOf("\r\n\r\n"));
  for (const h of expected.headers)
    assert.ok(head.includes("\r\n" + h), `${label}: header ${JSON.stringify(h)}`);
  for (const text of expected.texts)
    assert.ok(
      eml.text.includes(text),
      `${label}: text should contain\n${text}\n--- actual:\n${eml.text}`,
    );
  for (const html of expected.htmls)
    assert.ok(
      eml.html.includes(html),
      `${label}: html should contain\n${html}\n--- actual:\n${eml.html}`,
    );
  for (const name of expected.notTexts ?? [])
    assert.ok(
      !eml.parsed.attachments.some((a) => a.filename === name),
      `${label}: no attachment ${name}`,
    );
  if (expected.attachments) {
    assert.deepEqual(
      eml.parsed.attachments.map((a) => [a.filename, a.content.toString("utf8")]),
      expected.attachments,
      `${label}: attachments`,
    );
    for (const a of eml.parsed.attachments) {
      assert.equal(a.contentType, "application/octet-stream");
      assert.equal(a.contentDisposition, "attachment");
    }
  }
}

const CH: MmMessageExport = {
  TeamId: "team-id",
  TeamName: "team-name",
  TeamDisplayName: "team-display-name",
  ChannelId: "channel-id",
  ChannelName: "channel-name",
  ChannelDisplayName: "channel-display-name",
  ChannelType: "D",
  PostProps: "{}",
  PostType: "",
  UserEmail: "test1@test.com",
  UserId: "test1",
  Username: "test1",
  PostFileIds: [],
};

function history(firstUserId = "test1", firstUsername = "test"): MmMemberHistory[] {
  return [
    {
      JoinTime: 0,
      UserId: firstUserId,
      UserEmail: "test1@test.com",
      Username: firstUsername,
      LeaveTime: 100_000,
    },
    {
      JoinTime: 8,
      UserId: firstUserId === "test1" ? "test2" : "id-test2",
      UserEmail: "test2@test.com",
      Username: "test2",
      LeaveTime: 100_000,
    },
    {
      JoinTime: 400,
      UserId: firstUserId === "test1" ? "test3" : "id-test3",
      UserEmail: "test3@test.com",
      Username: "test3",
    },
  ];
}

function batch(
  posts: MmMessageExport[],
  endTime: number,
  files: Record<string, MmFileInfo[]> = {},
  hist = history(),
): BatchInput {
  return batchOf({
    batchStart: 1,
    batchEnd: endTime,
    channels: [TEST_CHANNEL],
    history: { "channel-id": hist },
    posts,
    files,
  });
}

const ROWS_STD = (m1: number): Row[] => [
  ["test1", "test", "test1@test.com", T100, "2 minutes", m1],
  ["test2", "test2", "test2@test.com", T100, "2 minutes", 0],
  ["test3", "test3", "test3@test.com", T100, "2 minutes", 0],
];

const ATTACHMENT_1 = "this is the attachment content";
const ATTACHMENT_2 = "this is the second attachment content";

describe("TestGlobalRelayExport (global_relay_export_test.go)", () => {
  test("empty", async () => {
    const emls = await renderAll(batchOf({ batchStart: 1, batchEnd: 100_000 }));
    assert.equal(emls.length, 0);
  });

  test("posts", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message 1",
            UserId: "id-test1",
          },
          {
            ...CH,
            PostId: "post-id2",
            PostRootId: "post-root-id",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message 2",
            UserId: "id-test1",
          },
        ],
        100_000,
        {},
        history("id-test1", "test1"),
      ),
    );
    assert.equal(emls.length, 1);
    assert.equal(emls[0]!.email.fileName, "channel-name - (channel-id) - 0.eml");
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id1 1970-01-01T00:00:00Z @test1 id-test1 @test1 user (test1@test.com) message 1",
            "* post-id2 1970-01-01T00:01:40Z @test1 id-test1 @test1 user (test1@test.com) message 2",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(
            ["id-test1", "test1", "test1@test.com", T100, "2 minutes", 2],
            ["id-test2", "test2", "test2@test.com", T100, "2 minutes", 0],
            ["id-test3", "test3", "test3@test.com", T100, "2 minutes", 0],
          ),
          messagesHtml(
            { id: "post-id1", sent: T0, userid: "id-test1", message: "message 1" },
            { id: "post-id2", sent: T100, userid: "id-test1", message: "message 2" },
          ),
        ],
        attachments: [],
      },
      "posts",
    );
    assert.deepEqual(emls[0]!.email.warnings, []);
  });

  test("posts with attachments, size ok", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message1",
            PostFileIds: ["test1"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message2",
            PostFileIds: ["test2"],
          },
        ],
        100_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
            },
          ],
          "post-id-2": [
            {
              Name: "test2-attachment",
              Id: "test2-attachment",
              Path: "test2-attachment",
              CreateAt: 1,
            },
          ],
        },
      ),
      {
        "test1-attachment": Buffer.from(ATTACHMENT_1),
        "test2-attachment": Buffer.from(ATTACHMENT_2),
      },
    );
    assert.equal(emls.length, 1);
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message1",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message2",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message1" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment",
            },
            { id: "post-id-2", sent: T100, userid: "test1", message: "message2" },
          ),
        ],
        attachments: [
          ["test1-attachment", ATTACHMENT_1],
          ["test2-attachment", ATTACHMENT_2],
        ],
      },
      "size ok",
    );
  });

  test("posts with attachments, size too large, new channel export needed", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message1",
            PostFileIds: ["test1"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message2",
            PostFileIds: ["test2"],
          },
        ],
        100_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              Size: 90,
            },
          ],
          "post-id-2": [
            {
              Name: "test2-attachment",
              Id: "test2-attachment",
              Path: "test2-attachment",
              Size: 56,
            },
          ],
        },
      ),
      {
        "test1-attachment": Buffer.from(ATTACHMENT_1),
        "test2-attachment": Buffer.from(ATTACHMENT_2),
      },
      { maxEmailBytes: 100 },
    );
    assert.equal(emls.length, 2);
    assert.deepEqual(
      emls.map((e) => e.email.fileName),
      ["channel-name - (channel-id) - 0.eml", "channel-name - (channel-id) - 1.eml"],
    );
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message1",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(1)),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message1" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment",
            },
          ),
        ],
        attachments: [["test1-attachment", ATTACHMENT_1]],
      },
      "eml 0",
    );
    check(
      emls[1]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message2",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) Uploaded file test2-attachment",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(1)),
          messagesHtml(
            { id: "post-id-2", sent: T100, userid: "test1", message: "message2" },
            {
              id: "post-id-2",
              sent: T100,
              userid: "test1",
              message: "Uploaded file test2-attachment",
            },
          ),
        ],
        attachments: [["test2-attachment", ATTACHMENT_2]],
      },
      "eml 1",
    );
    assert.notEqual(emls[0]!.email.messageId, emls[1]!.email.messageId);
  });

  test("posts with attachments, attachment too large, remove it but only one eml needed", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message1",
            PostFileIds: ["test1"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message2",
          },
        ],
        100_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
              Size: 101,
            },
          ],
        },
      ),
      { "test1-attachment": Buffer.from(ATTACHMENT_1) },
      { maxEmailBytes: 100 },
    );
    assert.equal(emls.length, 1);
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message1",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file \"test1-attachment\" (id 'test1-attachment') was removed because it was too large to send.",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message2",
          ),
        ],
        notTexts: ["test1-attachment"],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message1" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message:
                "Uploaded file &#34;test1-attachment&#34; (id &#39;test1-attachment&#39;) was removed because it was too large to send.",
            },
            { id: "post-id-2", sent: T100, userid: "test1", message: "message2" },
          ),
        ],
        attachments: [],
      },
      "removed",
    );
    assert.deepEqual(emls[0]!.email.removed, [
      { postId: "post-id-1", fileIds: ["test1-attachment"] },
    ]);
    assert.deepEqual(
      emls[0]!.email.warnings,
      [],
      "Mattermost counts no warning for a removed attachment",
    );
  });

  test("posts with attachments, post size and attachment too large, new channel export needed and attachment removed", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message1",
            PostFileIds: ["test1"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message2",
            PostFileIds: ["test2"],
          },
        ],
        100_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              Size: 20,
            },
          ],
          "post-id-2": [
            {
              Name: "test2-attachment",
              Id: "test2-attachment",
              Path: "test2-attachment",
              Size: 31,
            },
          ],
        },
      ),
      {
        "test1-attachment": Buffer.from(ATTACHMENT_1),
        "test2-attachment": Buffer.from(ATTACHMENT_2),
      },
      { maxEmailBytes: 30 },
    );
    assert.equal(emls.length, 2);
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message1",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment",
          ),
        ],
        notTexts: ["test2-attachment"],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(1)),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message1" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment",
            },
          ),
        ],
        attachments: [["test1-attachment", ATTACHMENT_1]],
      },
      "eml 0",
    );
    check(
      emls[1]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message2",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) Uploaded file \"test2-attachment\" (id 'test2-attachment') was removed because it was too large to send.",
          ),
        ],
        notTexts: ["test1-attachment", "test2-attachment"],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(1)),
          messagesHtml(
            { id: "post-id-2", sent: T100, userid: "test1", message: "message2" },
            {
              id: "post-id-2",
              sent: T100,
              userid: "test1",
              message:
                "Uploaded file &#34;test2-attachment&#34; (id &#39;test2-attachment&#39;) was removed because it was too large to send.",
            },
          ),
        ],
        attachments: [],
      },
      "eml 1",
    );
  });

  test("posts with multiple attachments, size ok", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message1",
            PostFileIds: ["test1", "test1-2"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message2",
          },
        ],
        100_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
            },
            {
              Name: "test1-attachment-2",
              Id: "test1-attachment-2",
              Path: "test1-attachment-2",
              CreateAt: 1,
            },
          ],
        },
      ),
      {
        "test1-attachment": Buffer.from(ATTACHMENT_1),
        "test1-attachment-2": Buffer.from(ATTACHMENT_2),
      },
    );
    assert.equal(emls.length, 1);
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message1",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment-2",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message2",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message1" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment",
            },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment-2",
            },
            { id: "post-id-2", sent: T100, userid: "test1", message: "message2" },
          ),
        ],
        attachments: [
          ["test1-attachment", ATTACHMENT_1],
          ["test1-attachment-2", ATTACHMENT_2],
        ],
      },
      "multiple",
    );
  });

  test("posts with deleted post and deleted attachments", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
            PostFileIds: ["test1"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 200_000,
            PostDeleteAt: 200_000,
            PostMessage: "message",
            PostProps: '{"deleteBy":"fy8j97gwii84bk4zxprbpc9d9w"}',
          },
        ],
        200_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
              UpdateAt: 200_000,
              DeleteAt: 200_000,
            },
          ],
        },
      ),
      { "test1-attachment": Buffer.from(ATTACHMENT_1) },
    );
    assert.equal(emls.length, 1);
    check(
      emls[0]!,
      {
        headers: headers("Thu, 01 Jan 1970 00:03:20 +0000"),
        texts: [
          summaryText(T200, "3 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Deleted file test1-attachment FileDeleted 1970-01-01T00:03:20Z",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) delete message Deleted 1970-01-01T00:03:20Z",
          ),
        ],
        htmls: [
          summaryHtml(T200, "3 minutes"),
          rowsHtml(
            ["test1", "test", "test1@test.com", T100, "2 minutes", 3],
            ["test2", "test2", "test2@test.com", T100, "2 minutes", 0],
            ["test3", "test3", "test3@test.com", T200, "3 minutes", 0],
          ),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment",
            },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Deleted file test1-attachment",
              update: ["FileDeleted", T200],
            },
            { id: "post-id-2", sent: T100, userid: "test1", message: "message" },
            {
              id: "post-id-2",
              sent: T100,
              userid: "test1",
              message: "delete message",
              update: ["Deleted", T200],
            },
          ),
        ],
        attachments: [["test1-attachment", ATTACHMENT_1]],
      },
      "deleted",
    );
  });

  test("posts with deleted attachments, no deleted post, and at different time from original post", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
            PostFileIds: ["test1"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message",
          },
        ],
        100_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
              UpdateAt: 200_000,
              DeleteAt: 200_000,
            },
          ],
        },
      ),
      { "test1-attachment": Buffer.from(ATTACHMENT_1) },
    );
    assert.equal(emls.length, 1);
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Deleted file test1-attachment FileDeleted 1970-01-01T00:03:20Z",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment",
            },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Deleted file test1-attachment",
              update: ["FileDeleted", T200],
            },
            { id: "post-id-2", sent: T100, userid: "test1", message: "message" },
          ),
        ],
        attachments: [["test1-attachment", ATTACHMENT_1]],
      },
      "deleted attachment only",
    );
  });

  test("posts with missing attachments", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id-1",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
            PostFileIds: ["test1"],
          },
          {
            ...CH,
            PostId: "post-id-2",
            PostOriginalId: "post-original-id",
            PostRootId: "post-id-1",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message",
          },
        ],
        100_000,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
            },
          ],
        },
      ),
      { "test1-attachment": "missing" },
    );
    assert.equal(emls.length, 1);
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message",
            "* post-id-1 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) Uploaded file test1-attachment",
            "* post-id-2 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            { id: "post-id-1", sent: T0, userid: "test1", message: "message" },
            {
              id: "post-id-1",
              sent: T0,
              userid: "test1",
              message: "Uploaded file test1-attachment",
            },
            { id: "post-id-2", sent: T100, userid: "test1", message: "message" },
          ),
        ],
        // The part is still written, empty (Mattermost: warning, empty attachment).
        attachments: [["test1-attachment", ""]],
      },
      "missing",
    );
    // expectedWarnings: 1
    assert.deepEqual(emls[0]!.email.warnings, [
      "Warning:File backend read: File missing for post; cannot copy file to archive - Post: post-id-1 - test1-attachment",
    ]);
  });

  test("posts with override_username property", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
          },
          {
            ...CH,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostRootId: "post-root-id",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message",
            PostProps:
              '{"from_webhook":"true","html":"<b>Test HTML</b>","override_username":"test_username_override","webhook_display_name":"Test Bot"}',
          },
        ],
        100_000,
      ),
    );
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message",
            "* post-id 1970-01-01T00:01:40Z @test1 test1 @test_username_override user (test1@test.com) message",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            { id: "post-id", sent: T0, userid: "test1", message: "message" },
            {
              id: "post-id",
              sent: T100,
              userid: "test1",
              postusername: "test_username_override",
              message: "message",
            },
          ),
        ],
      },
      "override_username",
    );
  });

  test("posts with webhook_display_name property", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
          },
          {
            ...CH,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostRootId: "post-root-id",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message",
            PostProps: '{"from_webhook":"true","webhook_display_name":"Test Bot"}',
          },
        ],
        100_000,
      ),
    );
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message",
            "* post-id 1970-01-01T00:01:40Z @test1 test1 @Test Bot user (test1@test.com) message",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            { id: "post-id", sent: T0, userid: "test1", message: "message" },
            {
              id: "post-id",
              sent: T100,
              userid: "test1",
              postusername: "Test Bot",
              message: "message",
            },
          ),
        ],
      },
      "webhook_display_name",
    );
  });

  test("post with permalink preview", async () => {
    const emls = await renderAll(
      batch(
        [
          {
            ...CH,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
            PostProps: '{"previewed_post":"o4w39mc1ff8y5fite4b8hacy1x"}',
          },
          {
            ...CH,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostRootId: "post-root-id",
            PostCreateAt: 100_000,
            PostUpdateAt: 100_000,
            PostMessage: "message",
          },
        ],
        100_000,
      ),
    );
    check(
      emls[0]!,
      {
        headers: headers(DATE_100),
        texts: [
          summaryText(T100, "2 minutes"),
          messagesText(
            "* post-id 1970-01-01T00:00:00Z @test1 test1 @test1 user (test1@test.com) message o4w39mc1ff8y5fite4b8hacy1x",
            "* post-id 1970-01-01T00:01:40Z @test1 test1 @test1 user (test1@test.com) message",
          ),
        ],
        htmls: [
          summaryHtml(T100, "2 minutes"),
          rowsHtml(...ROWS_STD(2)),
          messagesHtml(
            {
              id: "post-id",
              sent: T0,
              userid: "test1",
              message: "message",
              previews: "o4w39mc1ff8y5fite4b8hacy1x",
            },
            { id: "post-id", sent: T100, userid: "test1", message: "message" },
          ),
        ],
      },
      "permalink",
    );
  });
});

describe("e2e golden files (testdata/grE2E1Batch1.tmpl, grE2E1Batch1Summary.tmpl)", () => {
  // Three users, user1 posts three messages each with an attachment whose name is empty
  // ("Uploaded file " keeps its trailing space in HTML), everything within one minute.
  const start = 1_700_000_000_000;
  const end = start + 20_000;
  const v = {
    teamId: "teamid0000000000000000000t",
    teamName: "team-name",
    teamDisplayName: "Team Display",
    channelId: "channeltwo0000000000000000c",
    u1: "user1id00000000000000000u1",
    u2: "user2id00000000000000000u2",
    u3: "user3id00000000000000000u3",
    p: ["post0id0000000000000000p0", "post1id0000000000000000p1", "post2id0000000000000000p2"],
  };
  const ts = (ms: number) =>
    new Date(Math.trunc(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const golden = batchOf({
    batchStart: start,
    batchEnd: end,
    jobStartTime: start,
    channels: [
      mmChannel({
        Id: v.channelId,
        Name: "channel_two_name",
        DisplayName: "the Channel Two",
        Type: "O",
        TeamId: v.teamId,
      }),
    ],
    history: {
      [v.channelId]: [
        { UserId: v.u1, UserEmail: "user1@email", Username: "user1", JoinTime: start + 1000 },
        { UserId: v.u2, UserEmail: "user2@email", Username: "user2", JoinTime: start + 1000 },
        { UserId: v.u3, UserEmail: "user3@email", Username: "user3", JoinTime: start + 1000 },
      ],
    },
    posts: v.p.map((id, i) => ({
      PostId: id,
      PostCreateAt: start + 2000 + i * 1000,
      PostUpdateAt: start + 2000 + i * 1000,
      PostMessage: `message ${i}`,
      PostProps: "{}",
      TeamId: v.teamId,
      TeamName: v.teamName,
      TeamDisplayName: v.teamDisplayName,
      ChannelId: v.channelId,
      ChannelName: "channel_two_name",
      ChannelDisplayName: "the Channel Two",
      ChannelType: "O" as const,
      UserId: v.u1,
      UserEmail: "user1@email",
      Username: "user1",
      PostFileIds: [`file${i}`],
    })),
    files: Object.fromEntries(
      v.p.map((id, i) => [
        id,
        [
          {
            Id: `file${i}`,
            Name: "",
            Path: `data/file${i}.txt`,
            CreateAt: start + 2000 + i * 1000,
          },
        ],
      ]),
    ),
  });
  const S = ts(start);
  const E = ts(end);
  const J = ts(start + 1000);
  const sent = [0, 1, 2].map((i) => ts(start + 2000 + i * 1000));

  test("the HTML part after the style block is the golden file's bytes", async () => {
    const [eml] = await renderAll(golden);
    const row = (id: string, name: string, n: number) => `
<tr>
    <td class="userid">${id}</td>
    <td class="username">@${name}</td>
    <td class="usertype">user</td>
    <td class="email">${name}@email</td>
    <td class="joined">${J}</td>
    <td class="left">${E}</td>
    <td class="duration">0 seconds</td>
    <td class="messages">${n}</td>
</tr>
`;
    const li = (id: string, at: string, message: string) => `
<li class="message">
    <span class="post_id">${id}</span>
    <span class="sent_time">${at}</span>
    <span class="username">@user1</span>
    <span class="userid">${v.u1}</span>
    <span class="postusername">@user1</span>
    <span class="usertype">user</span>
    <span class="email">(user1@email)</span>
    <span class="message">${message}</span>
</li>
`;
    const expected = `<h1>Mattermost Compliance Export</h1>

<h2>Conversation Summary</h2>
<div class="summary-list">
    <ul>
        <li><span class="bold">TeamId:</span>${v.teamId}</li>
        <li><span class="bold">TeamName:</span>${v.teamName}</li>
        <li><span class="bold">TeamDisplayName:</span>${v.teamDisplayName}</li>
        <li><span class="bold">ChannelId:</span>${v.channelId}</li>
        <li><span class="bold">ChannelName:</span>channel_two_name</li>
        <li><span class="bold">ChannelDisplayName:</span>the Channel Two</li>
        <li><span class="bold">Started:</span>${S}</li>
        <li><span class="bold">Ended:</span>${E}</li>
        <li><span class="bold">Duration:</span>0 seconds</li>
    </ul>
</div>
<table class="participants">
    <tr>
        <th class="userid">UserId<br></th>
        <th class="username">Username<br></th>
        <th class="usertype">UserType<br></th>
        <th class="email">Email</th>
        <th class="joined">Joined</th>
        <th class="left">Left</th>
        <th class="duration">Duration</th>
        <th class="messages">Messages</th>
    </tr>
    ${row(v.u1, "user1", 3)}${row(v.u2, "user2", 0)}${row(v.u3, "user3", 0)}
</table>

<h2>Messages</h2>
<div class="message-list">
    <ul>
        ${li(v.p[0]!, sent[0]!, "message 0")}${li(v.p[0]!, sent[0]!, "Uploaded file ")}${li(v.p[1]!, sent[1]!, "message 1")}${li(v.p[1]!, sent[1]!, "Uploaded file ")}${li(v.p[2]!, sent[2]!, "message 2")}${li(v.p[2]!, sent[2]!, "Uploaded file ")}
    </ul>
</div>

<p>Exported on ${S}</p>
`;
    assert.ok(eml!.html.startsWith('\n<html><body>\n<style type="text/css">\n'));
    assert.ok(eml!.html.endsWith("</style>\n\n" + expected + "</body></html>"), eml!.html);
  });

  test("the text part is the golden summary's bytes (html2text of the page)", async () => {
    const [eml] = await renderAll(golden);
    const expected = `****************************
Mattermost Compliance Export
****************************

--------------------
Conversation Summary
--------------------

* TeamId: ${v.teamId}
* TeamName: ${v.teamName}
* TeamDisplayName: ${v.teamDisplayName}
* ChannelId: ${v.channelId}
* ChannelName: channel_two_name
* ChannelDisplayName: the Channel Two
* Started: ${S}
* Ended: ${E}
* Duration: 0 seconds

UserId
Username
UserType
Email Joined Left Duration Messages ${v.u1} @user1 user user1@email ${J} ${E} 0 seconds 3 ${v.u2} @user2 user user2@email ${J} ${E} 0 seconds 0 ${v.u3} @user3 user user3@email ${J} ${E} 0 seconds 0

--------
Messages
--------

* ${v.p[0]} ${sent[0]} @user1 ${v.u1} @user1 user (user1@email) message 0
* ${v.p[0]} ${sent[0]} @user1 ${v.u1} @user1 user (user1@email) Uploaded file
* ${v.p[1]} ${sent[1]} @user1 ${v.u1} @user1 user (user1@email) message 1
* ${v.p[1]} ${sent[1]} @user1 ${v.u1} @user1 user (user1@email) Uploaded file
* ${v.p[2]} ${sent[2]} @user1 ${v.u1} @user1 user (user1@email) message 2
* ${v.p[2]} ${sent[2]} @user1 ${v.u1} @user1 user (user1@email) Uploaded file

Exported on ${S}`;
    assert.equal(eml!.text, expected);
    // A file with an empty name is attached under Go's filepath.Base("") = ".".
    assert.deepEqual(
      eml!.parsed.attachments.map((a) => a.filename),
      [".", ".", "."],
    );
  });
});
