// Golden tests ported from Mattermost's csv_export_test.go @5306f64d (TestCsvExport,
// TestWriteExportWarnings, TestPostToRow, TestAttachmentToRow). Expected bytes are Mattermost's,
// adapted only where Custodian decided otherwise (each adaptation says so).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "csv-parse/sync";
import { writeCsvBatch } from "./csv.ts";
import { MemoryZipSink } from "./testing/memory-zip-sink.ts";
import {
  attachmentStore,
  batchOf,
  TEST_CHANNEL,
  type MmMessageExport,
} from "./testing/fixtures.ts";
import type { BatchInput } from "../model.ts";

const header =
  "Post Creation Time,Post Update Time,Post Update Type,Team Id,Team Name,Team Display Name,Channel Id,Channel Name,Channel Display Name,Channel Type,User Id,User Email,Username,Post Id,Edited By Post Id,Replied to Post Id,Post Message,Post Type,User Type,Previews Post Id\n";

const MISSING_ON_OPEN = "File backend read: File missing for post; cannot copy file to archive";

const base: MmMessageExport = {
  PostOriginalId: "",
  TeamId: "team-id",
  TeamName: "team-name",
  TeamDisplayName: "team-display-name",
  ChannelId: "channel-id",
  ChannelName: "channel-name",
  ChannelDisplayName: "channel-display-name",
  UserEmail: "test@test.com",
  UserId: "user-id",
  Username: "username",
  ChannelType: "D",
  PostFileIds: [],
};

/**
 * Mattermost's fixtures give the channel metadata TeamName "team-name" / TeamDisplayName
 * "team-display-name"; a real job's metadata (CalculateChannelExports) never sets them, and
 * Custodian's ExportChannel has no team name, so Custodian writes null. ADAPTED: "team-name" and
 * "team-display-name" -> null.
 */
function metadata(messages: number, attachments: number): string {
  return (
    '{\n  "Channels": {\n    "channel-id": {\n      "TeamId": "team-id",\n      "TeamName": null,\n      "TeamDisplayName": null,\n' +
    '      "ChannelId": "channel-id",\n      "ChannelName": "channel-name",\n      "ChannelDisplayName": "channel-display-name",\n' +
    '      "ChannelType": "D",\n      "RoomId": "direct - channel-id",\n      "StartTime": 1,\n      "EndTime": 100,\n' +
    `      "MessagesCount": ${messages},\n      "AttachmentsCount": ${attachments}\n    }\n  },\n` +
    `  "MessagesCount": ${messages},\n  "AttachmentsCount": ${attachments},\n  "StartTime": 1,\n  "EndTime": 100\n}`
  );
}

async function run(batch: BatchInput, store = attachmentStore()) {
  const zip = new MemoryZipSink();
  const result = await writeCsvBatch({ batch, zip, openAttachment: store });
  return { zip, result, store };
}

function assertParses(csv: string): string[][] {
  const records = parse(csv, { relax_column_count: false }) as string[][];
  for (const r of records) assert.equal(r.length, 20);
  return records;
}

describe("TestCsvExport (csv_export_test.go)", () => {
  test("empty", async () => {
    const { zip, result } = await run(batchOf({ batchStart: 0, batchEnd: 0 }));
    assert.deepEqual(zip.names(), ["posts.csv", "metadata.json"]); // expectedFiles: 2
    assert.equal(zip.text("posts.csv"), header);
    assert.equal(
      zip.text("metadata.json"),
      '{\n  "Channels": null,\n  "MessagesCount": 0,\n  "AttachmentsCount": 0,\n  "StartTime": 0,\n  "EndTime": 0\n}',
    );
    assert.deepEqual(result, { messages: 0, files: 0, warnings: [] });
  });

  test("posts", async () => {
    const { zip, result } = await run(
      batchOf({
        batchStart: 1,
        batchEnd: 100,
        channels: [TEST_CHANNEL],
        history: {
          "channel-id": [
            { JoinTime: 0, UserId: "test", UserEmail: "test", Username: "test", LeaveTime: 400 },
            { JoinTime: 8, UserId: "test2", UserEmail: "test2", Username: "test2", LeaveTime: 80 },
            { JoinTime: 400, UserId: "test3", UserEmail: "test3", Username: "test3" },
          ],
        },
        posts: [
          { ...base, PostId: "post-id", PostCreateAt: 1, PostUpdateAt: 1, PostMessage: "message" },
          {
            ...base,
            PostId: "post-id",
            PostRootId: "post-root-id",
            PostCreateAt: 100,
            PostUpdateAt: 100,
            PostMessage: "message",
          },
          {
            ...base,
            PostId: "post-id",
            PostRootId: "post-root-id",
            PostCreateAt: 100,
            PostUpdateAt: 100,
            PostMessage: "message",
            PostProps: '{"previewed_post":"o4w39mc1ff8y5fite4b8hacy1x"}',
          },
        ],
      }),
    );
    assert.equal(
      zip.text("posts.csv"),
      [
        header,
        "0,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,test,test,test,,,,User test (test) was already in the channel,previously-joined,user,\n",
        "1,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,,,,User username (test@test.com) was already in the channel,previously-joined,user,\n",
        "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,,message,message,user,\n",
        "8,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,test2,test2,test2,,,,User test2 (test2) joined the channel,enter,user,\n",
        "80,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,test2,test2,test2,,,,User test2 (test2) left the channel,leave,user,\n",
        "100,100,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,message,message,user,\n",
        "100,100,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,message,message,user,o4w39mc1ff8y5fite4b8hacy1x\n",
      ].join(""),
    );
    assert.equal(zip.text("metadata.json"), metadata(3, 0));
    assert.deepEqual(zip.names(), ["posts.csv", "metadata.json"]);
    assert.equal(result.messages, 3);
    assertParses(zip.text("posts.csv"));
  });

  test("deleted post", async () => {
    const { zip } = await run(
      batchOf({
        batchStart: 1,
        batchEnd: 100,
        channels: [TEST_CHANNEL],
        history: {
          "channel-id": [
            { JoinTime: 0, UserId: "test", UserEmail: "test", Username: "test", LeaveTime: 400 },
          ],
        },
        posts: [
          { ...base, PostId: "post-id", PostUpdateAt: 1, PostCreateAt: 1, PostMessage: "message" },
          {
            ...base,
            PostId: "post-id",
            PostCreateAt: 100,
            PostUpdateAt: 101,
            PostDeleteAt: 101,
            PostMessage: "message",
            PostProps: '{"deleteBy":"fy8j97gwii84bk4zxprbpc9d9w"}',
          },
        ],
      }),
    );
    assert.equal(
      zip.text("posts.csv"),
      [
        header,
        "0,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,test,test,test,,,,User test (test) was already in the channel,previously-joined,user,\n",
        "1,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,,,,User username (test@test.com) was already in the channel,previously-joined,user,\n",
        "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,,message,message,user,\n",
        "100,101,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,,message,message,user,\n",
        "100,101,Deleted,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,,delete message,message,user,\n",
      ].join(""),
    );
    assert.equal(zip.text("metadata.json"), metadata(3, 0));
    assert.deepEqual(zip.names(), ["posts.csv", "metadata.json"]);
  });

  test("posts with deleted attachment and deleted post, and at different time from non-deleted original post", async () => {
    const { zip, result } = await run(
      batchOf({
        batchStart: 1,
        batchEnd: 100,
        channels: [TEST_CHANNEL],
        history: {
          "channel-id": [
            { JoinTime: 0, UserId: "test", UserEmail: "test", Username: "test", LeaveTime: 400 },
            { JoinTime: 8, UserId: "test2", UserEmail: "test2", Username: "test2", LeaveTime: 80 },
            { JoinTime: 400, UserId: "test3", UserEmail: "test3", Username: "test3" },
          ],
        },
        posts: [
          {
            ...base,
            PostId: "post-id-1",
            PostUpdateAt: 1,
            PostCreateAt: 1,
            PostMessage: "message 1",
            PostFileIds: ["test1"],
          },
          {
            ...base,
            PostId: "post-id-3",
            PostCreateAt: 2,
            PostUpdateAt: 3,
            PostDeleteAt: 3,
            PostMessage: "message 3",
            PostFileIds: ["test2"],
            PostProps: '{"deleteBy":"user-id"}',
          },
          {
            ...base,
            PostId: "post-id-2",
            PostRootId: "post-id-1",
            PostUpdateAt: 100,
            PostCreateAt: 100,
            PostMessage: "message 2",
            PostFileIds: ["test3"],
          },
        ],
        files: {
          "post-id-1": [{ Name: "test1", Id: "test1", Path: "test1" }],
          "post-id-3": [{ Name: "test2", Id: "test2", Path: "test2", DeleteAt: 3 }],
          "post-id-2": [{ Name: "test3", Id: "test3", Path: "test3", DeleteAt: 102 }],
        },
      }),
    );
    assert.equal(
      zip.text("posts.csv"),
      [
        header,
        "0,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,test,test,test,,,,User test (test) was already in the channel,previously-joined,user,\n",
        "1,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,,,,User username (test@test.com) was already in the channel,previously-joined,user,\n",
        "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-1,,,message 1,message,user,\n",
        "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-1,,,test1 (files/post-id-1/test1-test1),attachment,user,\n",
        "2,3,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-3,,,message 3,message,user,\n",
        "2,3,Deleted,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-3,,,delete message 3,message,user,\n",
        "2,3,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-3,,,test2 (files/post-id-3/test2-test2),attachment,user,\n",
        "2,3,FileDeleted,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-3,,,test2 (files/post-id-3/test2-test2),deleted attachment,user,\n",
        "8,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,test2,test2,test2,,,,User test2 (test2) joined the channel,enter,user,\n",
        "80,0,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,test2,test2,test2,,,,User test2 (test2) left the channel,leave,user,\n",
        "100,100,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-2,,post-id-1,message 2,message,user,\n",
        "100,100,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-2,,post-id-1,test3 (files/post-id-2/test3-test3),attachment,user,\n",
        "100,102,FileDeleted,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id-2,,post-id-1,test3 (files/post-id-2/test3-test3),deleted attachment,user,\n",
      ].join(""),
    );
    assert.equal(zip.text("metadata.json"), metadata(4, 3));
    // expectedFiles: 5 — posts.csv, three attachments, metadata.json (last).
    assert.deepEqual(zip.names(), [
      "posts.csv",
      "files/post-id-1/test1-test1",
      "files/post-id-3/test2-test2",
      "files/post-id-2/test3-test3",
      "metadata.json",
    ]);
    assert.deepEqual(result, { messages: 4, files: 3, warnings: [] });
    assertParses(zip.text("posts.csv"));
  });
});

test("TestWriteExportWarnings (csv_export_test.go): missing files become warning.txt lines", async () => {
  const { zip, result } = await run(
    batchOf({
      batchStart: 1,
      batchEnd: 100,
      channels: [TEST_CHANNEL],
      history: {
        "channel-id": [
          { JoinTime: 0, UserId: "test", UserEmail: "test", Username: "test", LeaveTime: 400 },
          { JoinTime: 8, UserId: "test2", UserEmail: "test2", Username: "test2", LeaveTime: 80 },
          { JoinTime: 400, UserId: "test3", UserEmail: "test3", Username: "test3" },
        ],
      },
      posts: [
        {
          ...base,
          PostId: "post-id-1",
          PostUpdateAt: 1,
          PostCreateAt: 1,
          PostMessage: "message",
          PostFileIds: ["post-id-1"],
        },
        {
          ...base,
          PostId: "post-id-3",
          PostCreateAt: 2,
          PostUpdateAt: 3,
          PostDeleteAt: 3,
          PostMessage: "message",
          PostFileIds: ["post-id-3"],
        },
      ],
      files: {
        "post-id-1": [{ Name: "test1", Id: "test1", Path: "test1" }],
        "post-id-3": [{ Name: "test2", Id: "test2", Path: "test2" }],
      },
    }),
    attachmentStore({ test1: "missing", test2: "missing" }),
  );
  assert.deepEqual(zip.names(), ["posts.csv", "warning.txt", "metadata.json"]); // 3 files
  assert.equal(
    zip.text("warning.txt"),
    `Warning:${MISSING_ON_OPEN} - Post: post-id-1 - test1\nWarning:${MISSING_ON_OPEN} - Post: post-id-3 - test2\n`,
  );
  assert.equal(result.warnings.length, 2);
});

describe("TestPostToRow / TestAttachmentToRow (csv_export_test.go), as one-post batches", () => {
  const post: MmMessageExport = {
    PostId: "post-id",
    PostOriginalId: "",
    PostRootId: "post-root-id",
    TeamId: "team-id",
    TeamName: "team-name",
    TeamDisplayName: "team-display-name",
    ChannelId: "channel-id",
    ChannelName: "channel-name",
    ChannelDisplayName: "channel-display-name",
    PostCreateAt: 1,
    PostUpdateAt: 1,
    PostMessage: "message",
    UserEmail: "test@test.com",
    UserId: "user-id",
    Username: "username",
    ChannelType: "D",
  };

  async function postRows(
    p: MmMessageExport,
    files?: Record<string, { Name: string; Id: string; Path: string; DeleteAt?: number }[]>,
  ) {
    const { zip } = await run(
      batchOf({ batchStart: 1, batchEnd: 100, channels: [TEST_CHANNEL], posts: [p], files }),
    );
    return zip
      .text("posts.csv")
      .split("\n")
      .filter((l) => l.includes(",post-id,"));
  }

  const cases: [string, MmMessageExport, string][] = [
    [
      "simple row",
      post,
      "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,message,message,user,",
    ],
    [
      "without team data",
      { ...post, TeamId: undefined, TeamName: undefined, TeamDisplayName: undefined },
      "1,1,,,,,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,message,message,user,",
    ],
    // ADAPTED: Mattermost's unit test passes the post type "other" into postToRow by hand, but
    // CsvExport always passes "message" (EXPORT-FORMATS.md §4.3, a quirk Custodian keeps).
    [
      "with special post type",
      { ...post, PostType: "other" },
      "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,message,message,user,",
    ],
    [
      "with special post type from bot",
      { ...post, PostType: "other", IsBot: true },
      "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,message,message,bot,",
    ],
    [
      "with permalink preview",
      { ...post, PostProps: '{"previewed_post":"n4w39mc1ff8y5fite4b8hacy1w"}' },
      "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,message,message,user,n4w39mc1ff8y5fite4b8hacy1w",
    ],
  ];
  for (const [name, p, expected] of cases) {
    test(name, async () => {
      assert.deepEqual(await postRows(p), [expected]);
    });
  }

  test("simple attachment", async () => {
    const rows = await postRows(
      { ...post, PostFileIds: ["12345"] },
      { "post-id": [{ Name: "test1", Id: "12345", Path: "filename.txt" }] },
    );
    assert.equal(
      rows[1],
      "1,1,,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,test1 (files/post-id/12345-filename.txt),attachment,user,",
    );
  });

  test("simple deleted attachment", async () => {
    const rows = await postRows(
      {
        ...post,
        PostUpdateAt: 10,
        PostDeleteAt: 10,
        PostProps: '{"deleteBy":"user-id"}',
        PostFileIds: ["12346"],
      },
      { "post-id": [{ Name: "test2", Id: "12346", Path: "filename.txt", DeleteAt: 10 }] },
    );
    assert.ok(
      rows.includes(
        "1,10,FileDeleted,team-id,team-name,team-display-name,channel-id,channel-name,channel-display-name,direct,user-id,test@test.com,username,post-id,,post-root-id,test2 (files/post-id/12346-filename.txt),deleted attachment,user,",
      ),
      rows.join("\n"),
    );
  });
});
