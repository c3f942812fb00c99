// Golden tests ported from Mattermost's actiance_export_test.go @c0a90c28: TestActianceExport (all 7
// cases), TestActianceExportMultipleBatches, TestMultipleActianceExport and TestWriteExportWarnings.
// The expected documents are Mattermost's bytes (written here as template literals: each is exactly
// the concatenation of the Go test's lines, with no trailing newline). Adaptations are marked.
//
// The Go tests build the channel metadata with ExportPeriodStartTime 1 and BatchStartTime 1, and
// leave JobStartTime at 0 (so every deleted post also gets its "created" entry).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SaxesParser } from "saxes";
import { writeActianceBatch } from "./actiance.ts";
import { MemoryZipSink } from "./testing/memory-zip-sink.ts";
import {
  attachmentStore,
  batchOf,
  TEST_CHANNEL,
  type MmMemberHistory,
  type MmMessageExport,
} from "./testing/fixtures.ts";
import type { BatchInput } from "../model.ts";

const H = '<?xml version="1.0" encoding="UTF-8"?>\n';

const base: MmMessageExport = {
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

function assertWellFormedXml(xml: string): void {
  const parser = new SaxesParser({ xmlns: false });
  let error: Error | undefined;
  parser.on("error", (e) => {
    error ??= e;
  });
  parser.on("doctype", () => {
    error ??= new Error("unexpected DOCTYPE");
  });
  parser.write(xml).close();
  if (error) throw error;
}

async function run(batch: BatchInput, store = attachmentStore()) {
  const zip = new MemoryZipSink();
  const result = await writeActianceBatch({ batch, zip, openAttachment: store });
  const xml = zip.text("actiance_export.xml");
  assert.equal(zip.names()[0], "actiance_export.xml");
  assertWellFormedXml(xml);
  return { zip, result, xml };
}

function one(
  posts: MmMessageExport[],
  history: MmMemberHistory[],
  jobEndTime: number,
  files?: Parameters<typeof batchOf>[0]["files"],
): BatchInput {
  return batchOf({
    batchStart: 1,
    batchEnd: jobEndTime,
    exportPeriodStart: 1,
    jobEndTime,
    channels: [TEST_CHANNEL],
    history: { "channel-id": history },
    posts,
    files,
  });
}

describe("TestActianceExport (actiance_export_test.go)", () => {
  test("empty", async () => {
    const { zip, xml, result } = await run(
      batchOf({ batchStart: 1, batchEnd: 30, exportPeriodStart: 1, jobEndTime: 30 }),
    );
    assert.equal(
      xml,
      H + '<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></FileDump>',
    );
    // ADAPTED: Mattermost's expectedFiles 2 is not asserted by its test; Custodian writes only the XML.
    assert.deepEqual(zip.names(), ["actiance_export.xml"]);
    assert.deepEqual(result, { messages: 0, files: 0, warnings: [] });
  });

  test("posts", async () => {
    const { xml, result } = await run(
      one(
        [
          {
            ...base,
            PostId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 2,
            PostEditAt: 2,
            PostMessage: "edited message",
          },
          {
            ...base,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 2,
            PostDeleteAt: 2,
            PostMessage: "original message",
          },
          {
            ...base,
            PostId: "post-id2",
            PostCreateAt: 1,
            PostUpdateAt: 4,
            PostDeleteAt: 4,
            PostMessage: "message2",
            PostProps: '{"deleteBy":"fy8j97gwii84bk4zxprbpc9d9w"}',
          },
          {
            ...base,
            PostId: "post-id3",
            PostRootId: "post-root-id",
            PostCreateAt: 100,
            PostUpdateAt: 100,
            PostMessage: "message3",
          },
        ],
        [
          {
            JoinTime: 0,
            UserId: "test",
            UserEmail: "test@email",
            Username: "testname",
            LeaveTime: 400,
          },
          {
            JoinTime: 8,
            UserId: "test2",
            UserEmail: "test2@email",
            Username: "test2name",
            LeaveTime: 80,
          },
          { JoinTime: 400, UserId: "test3", UserEmail: "test3@email", Username: "test3name" },
          {
            JoinTime: 10,
            UserId: "test_bot",
            UserEmail: "test_bot@email",
            Username: "test_botname",
            IsBot: true,
            LeaveTime: 20,
          },
        ],
        500,
      ),
    );
    assert.equal(
      xml,
      H +
        `<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Conversation Perspective="channel-display-name">
    <RoomID>direct - channel-name - channel-id</RoomID>
    <StartTimeUTC>1</StartTimeUTC>
    <ParticipantEntered>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>0</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>8</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test_bot@email</LoginName>
      <UserType>bot</UserType>
      <DateTimeUTC>10</DateTimeUTC>
      <CorporateEmailID>test_bot@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantEntered>
    <Message>
      <MessageId>post-id2</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message2</Content>
    </Message>
    <Message>
      <MessageId>post-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>EditedOriginalMsg</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <EditedNewMsgId>post-original-id</EditedNewMsgId>
      <Content>original message</Content>
    </Message>
    <Message>
      <MessageId>post-original-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>EditedNewMsg</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <Content>edited message</Content>
    </Message>
    <Message>
      <MessageId>post-id2</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>Deleted</UpdatedType>
      <UpdatedDateTimeUTC>4</UpdatedDateTimeUTC>
      <Content>delete message2</Content>
    </Message>
    <Message>
      <MessageId>post-id3</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>100</DateTimeUTC>
      <Content>message3</Content>
    </Message>
    <ParticipantLeft>
      <LoginName>test_bot@email</LoginName>
      <UserType>bot</UserType>
      <DateTimeUTC>20</DateTimeUTC>
      <CorporateEmailID>test_bot@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>80</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>500</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>500</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantLeft>
    <EndTimeUTC>500</EndTimeUTC>
  </Conversation>
</FileDump>`,
    );
    assert.equal(result.messages, 5);
  });

  test("post with permalink preview", async () => {
    const { xml } = await run(
      one(
        [
          {
            ...base,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
            PostProps: '{"previewed_post":"n4w39mc1ff8y5fite4b8hacy1w"}',
          },
          {
            ...base,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostCreateAt: 100,
            PostUpdateAt: 100,
            PostMessage: "message",
            PostProps: '{"disable_group_highlight":true}',
          },
        ],
        [
          {
            JoinTime: 0,
            UserId: "test",
            UserEmail: "test@email",
            Username: "test",
            LeaveTime: 400,
          },
        ],
        600,
      ),
    );
    assert.equal(
      xml,
      H +
        `<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Conversation Perspective="channel-display-name">
    <RoomID>direct - channel-name - channel-id</RoomID>
    <StartTimeUTC>1</StartTimeUTC>
    <ParticipantEntered>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>0</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantEntered>
    <Message>
      <MessageId>post-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message</Content>
      <PreviewsPost>n4w39mc1ff8y5fite4b8hacy1w</PreviewsPost>
    </Message>
    <Message>
      <MessageId>post-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>100</DateTimeUTC>
      <Content>message</Content>
    </Message>
    <ParticipantLeft>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>600</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantLeft>
    <EndTimeUTC>600</EndTimeUTC>
  </Conversation>
</FileDump>`,
    );
  });

  const threeMembers: MmMemberHistory[] = [
    { JoinTime: 0, UserId: "test", UserEmail: "test@email", Username: "test", LeaveTime: 400 },
    { JoinTime: 8, UserId: "test2", UserEmail: "test2@email", Username: "test2", LeaveTime: 80 },
    { JoinTime: 400, UserId: "test3", UserEmail: "test3@email", Username: "test3" },
  ];

  const attachmentHead = `<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Conversation Perspective="channel-display-name">
    <RoomID>direct - channel-name - channel-id</RoomID>
    <StartTimeUTC>1</StartTimeUTC>
    <ParticipantEntered>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>0</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>8</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantEntered>
`;
  const attachmentTail = `    <ParticipantLeft>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>80</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>700</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>700</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantLeft>
    <EndTimeUTC>700</EndTimeUTC>
  </Conversation>
</FileDump>`;
  const transfers = `    <FileTransferStarted>
      <LoginName>test@test.com</LoginName>
      <DateTimeUTC>1</DateTimeUTC>
      <UserFileName>test1-attachment</UserFileName>
      <FileName>test1-attachment</FileName>
    </FileTransferStarted>
    <FileTransferEnded>
      <LoginName>test@test.com</LoginName>
      <DateTimeUTC>1</DateTimeUTC>
      <UserFileName>test1-attachment</UserFileName>
      <FileName>test1-attachment</FileName>
      <Status>Completed</Status>
    </FileTransferEnded>
`;

  test("posts with attachments", async () => {
    const { xml, zip, result } = await run(
      one(
        [
          {
            ...base,
            PostId: "post-id-1",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
            PostFileIds: ["test1"],
          },
          {
            ...base,
            PostId: "post-id-2",
            PostOriginalId: "post-original-id",
            PostRootId: "post-id-1",
            PostCreateAt: 100,
            PostUpdateAt: 100,
            PostMessage: "message",
          },
        ],
        threeMembers,
        700,
        {
          "post-id-1": [
            { Name: "test1-attachment", Id: "test1-attachment", Path: "test1-attachment" },
          ],
        },
      ),
    );
    assert.equal(
      xml,
      H +
        attachmentHead +
        `    <Message>
      <MessageId>post-id-1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message</Content>
    </Message>
` +
        transfers +
        `    <Message>
      <MessageId>post-id-2</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>100</DateTimeUTC>
      <Content>message</Content>
    </Message>
` +
        attachmentTail,
    );
    assert.deepEqual(zip.names(), ["actiance_export.xml", "test1-attachment"]);
    assert.deepEqual(result, { messages: 2, files: 1, warnings: [] });
  });

  test("posts with deleted attachments, no deleted post, and at different time from original post", async () => {
    const { xml, zip } = await run(
      one(
        [
          {
            ...base,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message1",
            PostFileIds: ["test1"],
          },
        ],
        threeMembers,
        700,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
              UpdateAt: 2,
              DeleteAt: 2,
            },
          ],
        },
      ),
    );
    assert.equal(
      xml,
      H +
        attachmentHead +
        `    <Message>
      <MessageId>post-id-1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message1</Content>
    </Message>
` +
        transfers +
        `    <Message>
      <MessageId>post-id-1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>FileDeleted</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <Content>delete test1-attachment</Content>
    </Message>
` +
        attachmentTail,
    );
    assert.deepEqual(zip.names(), ["actiance_export.xml", "test1-attachment"]);
  });

  test("posts with deleted attachments and deleted post", async () => {
    const { xml, zip, result } = await run(
      one(
        [
          {
            ...base,
            PostId: "post-id-1",
            PostCreateAt: 1,
            PostUpdateAt: 2,
            PostDeleteAt: 2,
            PostMessage: "message1",
            PostFileIds: ["test1"],
            PostProps: '{"deleteBy":"fy8j97gwii84bk4zxprbpc9d9w"}',
          },
        ],
        threeMembers,
        700,
        {
          "post-id-1": [
            {
              Name: "test1-attachment",
              Id: "test1-attachment",
              Path: "test1-attachment",
              CreateAt: 1,
              UpdateAt: 2,
              DeleteAt: 2,
            },
          ],
        },
      ),
    );
    assert.equal(
      xml,
      H +
        attachmentHead +
        `    <Message>
      <MessageId>post-id-1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message1</Content>
    </Message>
` +
        transfers +
        `    <Message>
      <MessageId>post-id-1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>Deleted</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <Content>delete message1</Content>
    </Message>
    <Message>
      <MessageId>post-id-1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>FileDeleted</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <Content>delete test1-attachment</Content>
    </Message>
` +
        attachmentTail,
    );
    // ADAPTED: Mattermost writes this deleted post's file twice (once per entry, expectedFiles 3);
    // Custodian writes each attachment once per zip.
    assert.deepEqual(zip.names(), ["actiance_export.xml", "test1-attachment"]);
    assert.equal(result.files, 1);
  });

  test("joins and leaves after last post, one batch, and post from bot", async () => {
    const { xml } = await run(
      one(
        [
          { ...base, PostId: "post-id1", PostCreateAt: 1, PostUpdateAt: 1, PostMessage: "message" },
          {
            ...base,
            PostId: "post-id2",
            PostCreateAt: 1,
            PostUpdateAt: 2,
            PostDeleteAt: 2,
            PostMessage: "edit message",
          },
          {
            ...base,
            PostId: "post-id3",
            PostCreateAt: 1,
            PostUpdateAt: 4,
            PostDeleteAt: 4,
            PostMessage: "message",
            PostProps: '{"deleteBy":"fy8j97gwii84bk4zxprbpc9d9w"}',
          },
          {
            ...base,
            PostId: "post-id5",
            PostCreateAt: 20,
            PostUpdateAt: 20,
            PostMessage: "message",
            UserEmail: "test-bot@email",
            UserId: "test-bot",
            Username: "test-botname",
            IsBot: true,
          },
          {
            ...base,
            PostId: "post-id4",
            PostRootId: "post-root-id",
            PostCreateAt: 100,
            PostUpdateAt: 100,
            PostMessage: "message",
          },
        ],
        [
          {
            JoinTime: 0,
            UserId: "test",
            UserEmail: "test@email",
            Username: "testname",
            LeaveTime: 400,
          },
          {
            JoinTime: 8,
            UserId: "test2",
            UserEmail: "test2@email",
            Username: "test2name",
            LeaveTime: 80,
          },
          { JoinTime: 400, UserId: "test3", UserEmail: "test3@email", Username: "test3name" },
          {
            JoinTime: 450,
            UserId: "test4",
            UserEmail: "test4@email",
            Username: "test4name",
            LeaveTime: 460,
          },
          {
            JoinTime: 10,
            UserId: "test-bot",
            UserEmail: "test-bot@email",
            Username: "test-botname",
            IsBot: true,
            LeaveTime: 20,
          },
        ],
        500,
      ),
    );
    assert.equal(
      xml,
      H +
        `<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Conversation Perspective="channel-display-name">
    <RoomID>direct - channel-name - channel-id</RoomID>
    <StartTimeUTC>1</StartTimeUTC>
    <ParticipantEntered>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>0</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>8</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test-bot@email</LoginName>
      <UserType>bot</UserType>
      <DateTimeUTC>10</DateTimeUTC>
      <CorporateEmailID>test-bot@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test4@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>450</DateTimeUTC>
      <CorporateEmailID>test4@email</CorporateEmailID>
    </ParticipantEntered>
    <Message>
      <MessageId>post-id1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message</Content>
    </Message>
    <Message>
      <MessageId>post-id3</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message</Content>
    </Message>
    <Message>
      <MessageId>post-id2</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>UpdatedNoMsgChange</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <Content>edit message</Content>
    </Message>
    <Message>
      <MessageId>post-id3</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>Deleted</UpdatedType>
      <UpdatedDateTimeUTC>4</UpdatedDateTimeUTC>
      <Content>delete message</Content>
    </Message>
    <Message>
      <MessageId>post-id5</MessageId>
      <LoginName>test-bot@email</LoginName>
      <UserType>bot</UserType>
      <DateTimeUTC>20</DateTimeUTC>
      <Content>message</Content>
    </Message>
    <Message>
      <MessageId>post-id4</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>100</DateTimeUTC>
      <Content>message</Content>
    </Message>
    <ParticipantLeft>
      <LoginName>test-bot@email</LoginName>
      <UserType>bot</UserType>
      <DateTimeUTC>20</DateTimeUTC>
      <CorporateEmailID>test-bot@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>80</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test4@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>460</DateTimeUTC>
      <CorporateEmailID>test4@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>500</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>500</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantLeft>
    <EndTimeUTC>500</EndTimeUTC>
  </Conversation>
</FileDump>`,
    );
  });
});

test("TestActianceExportMultipleBatches: joins and leaves after last post, and before second batch, two batches", async () => {
  const history: MmMemberHistory[] = [
    // will be included in both batches:
    { JoinTime: 0, UserId: "test", UserEmail: "test@email", Username: "testname", LeaveTime: 400 },
    // Only first batch:
    { JoinTime: 2, UserId: "testA", UserEmail: "testA@email", Username: "testAname", LeaveTime: 3 },
    // Only second batch:
    {
      JoinTime: 8,
      UserId: "test2",
      UserEmail: "test2@email",
      Username: "test2name",
      LeaveTime: 80,
    },
    {
      JoinTime: 10,
      UserId: "test_bot",
      UserEmail: "test_bot@email",
      Username: "test_botname",
      IsBot: true,
      LeaveTime: 20,
    },
    { JoinTime: 400, UserId: "test3", UserEmail: "test3@email", Username: "test3name" },
    {
      JoinTime: 450,
      UserId: "test4",
      UserEmail: "test4@email",
      Username: "test4name",
      LeaveTime: 460,
    },
  ];
  const batches: MmMessageExport[][] = [
    [
      { ...base, PostId: "post-id1", PostCreateAt: 1, PostUpdateAt: 1, PostMessage: "message" },
      {
        ...base,
        PostId: "post-id2",
        PostOriginalId: "post-original-id",
        PostCreateAt: 1,
        PostUpdateAt: 4,
        PostDeleteAt: 4,
        PostMessage: "edit message",
      },
    ],
    [
      {
        ...base,
        PostId: "post-id3",
        PostCreateAt: 1,
        PostUpdateAt: 5,
        PostDeleteAt: 5,
        PostMessage: "message2",
        PostProps: '{"deleteBy":"fy8j97gwii84bk4zxprbpc9d9w"}',
      },
      {
        ...base,
        PostId: "post-id4",
        PostRootId: "post-root-id",
        PostCreateAt: 100,
        PostUpdateAt: 100,
        PostMessage: "message3",
      },
    ],
  ];
  const expected = [
    H +
      `<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Conversation Perspective="channel-display-name">
    <RoomID>direct - channel-name - channel-id</RoomID>
    <StartTimeUTC>1</StartTimeUTC>
    <ParticipantEntered>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>0</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>testA@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>2</DateTimeUTC>
      <CorporateEmailID>testA@email</CorporateEmailID>
    </ParticipantEntered>
    <Message>
      <MessageId>post-id1</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message</Content>
    </Message>
    <Message>
      <MessageId>post-id2</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>EditedOriginalMsg</UpdatedType>
      <UpdatedDateTimeUTC>4</UpdatedDateTimeUTC>
      <EditedNewMsgId>post-original-id</EditedNewMsgId>
      <Content>edit message</Content>
    </Message>
    <ParticipantLeft>
      <LoginName>testA@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>3</DateTimeUTC>
      <CorporateEmailID>testA@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>4</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>4</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantLeft>
    <EndTimeUTC>4</EndTimeUTC>
  </Conversation>
</FileDump>`,
    H +
      `<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Conversation Perspective="channel-display-name">
    <RoomID>direct - channel-name - channel-id</RoomID>
    <StartTimeUTC>4</StartTimeUTC>
    <ParticipantEntered>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>0</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>4</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>8</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test_bot@email</LoginName>
      <UserType>bot</UserType>
      <DateTimeUTC>10</DateTimeUTC>
      <CorporateEmailID>test_bot@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantEntered>
    <ParticipantEntered>
      <LoginName>test4@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>450</DateTimeUTC>
      <CorporateEmailID>test4@email</CorporateEmailID>
    </ParticipantEntered>
    <Message>
      <MessageId>post-id3</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message2</Content>
    </Message>
    <Message>
      <MessageId>post-id3</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>Deleted</UpdatedType>
      <UpdatedDateTimeUTC>5</UpdatedDateTimeUTC>
      <Content>delete message2</Content>
    </Message>
    <Message>
      <MessageId>post-id4</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>100</DateTimeUTC>
      <Content>message3</Content>
    </Message>
    <ParticipantLeft>
      <LoginName>test_bot@email</LoginName>
      <UserType>bot</UserType>
      <DateTimeUTC>20</DateTimeUTC>
      <CorporateEmailID>test_bot@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test2@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>80</DateTimeUTC>
      <CorporateEmailID>test2@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>400</DateTimeUTC>
      <CorporateEmailID>test@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test4@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>460</DateTimeUTC>
      <CorporateEmailID>test4@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test3@email</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>500</DateTimeUTC>
      <CorporateEmailID>test3@email</CorporateEmailID>
    </ParticipantLeft>
    <ParticipantLeft>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>500</DateTimeUTC>
      <CorporateEmailID>test@test.com</CorporateEmailID>
    </ParticipantLeft>
    <EndTimeUTC>500</EndTimeUTC>
  </Conversation>
</FileDump>`,
  ];
  const jobEndTime = 500;
  let batchStart = 1;
  for (let i = 0; i < batches.length; i++) {
    const posts = batches[i]!;
    const batchEnd = i === batches.length - 1 ? jobEndTime : posts[posts.length - 1]!.PostUpdateAt!;
    const { xml } = await run(
      batchOf({
        batchNumber: i + 1,
        batchStart,
        batchEnd,
        jobStartTime: 1,
        exportPeriodStart: 1,
        jobEndTime,
        channels: [TEST_CHANNEL],
        history: { "channel-id": history },
        posts,
      }),
    );
    assert.equal(xml, expected[i], `batch ${i}`);
    batchStart = posts[posts.length - 1]!.PostUpdateAt!;
  }
});

describe("TestMultipleActianceExport (the same window exported twice)", () => {
  const single = (login: string, leave: number, end: number, messages: string) =>
    H +
    `<FileDump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Conversation Perspective="channel-display-name">
    <RoomID>direct - channel-name - channel-id</RoomID>
    <StartTimeUTC>1</StartTimeUTC>
    <ParticipantEntered>
      <LoginName>${login}</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>0</DateTimeUTC>
      <CorporateEmailID>${login}</CorporateEmailID>
    </ParticipantEntered>
${messages}    <ParticipantLeft>
      <LoginName>${login}</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>${leave}</DateTimeUTC>
      <CorporateEmailID>${login}</CorporateEmailID>
    </ParticipantLeft>
    <EndTimeUTC>${end}</EndTimeUTC>
  </Conversation>
</FileDump>`;

  async function exportOnce(
    posts: MmMessageExport[],
    leave: number,
    jobEndTime: number,
  ): Promise<string> {
    const { xml } = await run(
      one(
        posts,
        [
          {
            JoinTime: 0,
            UserId: "user-id",
            UserEmail: "test@test.com",
            Username: "username",
            LeaveTime: leave,
          },
        ],
        jobEndTime,
      ),
    );
    return xml;
  }

  test("post,export,delete,export", async () => {
    const created = `    <Message>
      <MessageId>post-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message</Content>
    </Message>
`;
    assert.equal(
      await exportOnce(
        [
          {
            ...base,
            PostId: "post-id",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
          },
        ],
        400,
        500,
      ),
      single("test@test.com", 400, 500, created),
    );
    // We're redoing the export completely, so we'll get the original message then the deleted record
    assert.equal(
      await exportOnce(
        [
          {
            ...base,
            PostId: "post-id",
            PostCreateAt: 1,
            PostUpdateAt: 2,
            PostDeleteAt: 2,
            PostMessage: "message",
            PostProps: '{"deleteBy":"fy8j97gwii84bk4zxprbpc9d9w"}',
          },
        ],
        400,
        500,
      ),
      single(
        "test@test.com",
        400,
        500,
        created +
          `    <Message>
      <MessageId>post-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>Deleted</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <Content>delete message</Content>
    </Message>
`,
      ),
    );
  });

  test("post,export,edit,export", async () => {
    assert.equal(
      await exportOnce(
        [
          {
            ...base,
            PostId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 1,
            PostMessage: "message",
          },
        ],
        450,
        600,
      ),
      single(
        "test@test.com",
        450,
        600,
        `    <Message>
      <MessageId>post-original-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <Content>message</Content>
    </Message>
`,
      ),
    );
    assert.equal(
      await exportOnce(
        [
          // new post which holds the original message contents
          {
            ...base,
            PostId: "post-id-new",
            PostOriginalId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 2,
            PostDeleteAt: 2,
            PostMessage: "message",
          },
          // old post which has been edited
          {
            ...base,
            PostId: "post-original-id",
            PostCreateAt: 1,
            PostUpdateAt: 2,
            PostEditAt: 2,
            PostMessage: "edit message",
          },
        ],
        450,
        600,
      ),
      single(
        "test@test.com",
        450,
        600,
        `    <Message>
      <MessageId>post-id-new</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>EditedOriginalMsg</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <EditedNewMsgId>post-original-id</EditedNewMsgId>
      <Content>message</Content>
    </Message>
    <Message>
      <MessageId>post-original-id</MessageId>
      <LoginName>test@test.com</LoginName>
      <UserType>user</UserType>
      <DateTimeUTC>1</DateTimeUTC>
      <UpdatedType>EditedNewMsg</UpdatedType>
      <UpdatedDateTimeUTC>2</UpdatedDateTimeUTC>
      <Content>edit message</Content>
    </Message>
`,
      ),
    );
  });
});

describe("TestWriteExportWarnings (actiance_export_test.go)", () => {
  const post: MmMessageExport = {
    ...base,
    PostId: "post-id",
    PostCreateAt: 1,
    PostUpdateAt: 1,
    PostMessage: "m",
    PostFileIds: ["12345", "54321"],
  };
  const MSG = "File backend read: File missing for post; cannot copy file to archive";

  test("two missing files -> two warnings, joined by \\n without a trailing newline", async () => {
    const { zip, result } = await run(
      one([post], [], 10, {
        "post-id": [
          { Name: "test", Id: "12345", Path: "missing.txt" },
          { Name: "test2", Id: "54321", Path: "missing2.txt" },
        ],
      }),
      attachmentStore({ "missing.txt": "missing", "missing2.txt": "missing" }),
    );
    assert.deepEqual(zip.names(), ["actiance_export.xml", "warning.txt"]);
    assert.equal(
      zip.text("warning.txt"),
      `Warning:${MSG} - missing.txt\nWarning:${MSG} - missing2.txt`,
    );
    assert.equal(result.warnings.length, 2);
  });

  test("the Go case: both files at the same path", async () => {
    // ADAPTED: Mattermost's case gives both FileInfos the path "missing.txt" and expects 2
    // warnings; Custodian writes (and so tries) each zip entry name once, hence one warning.
    const { zip, result } = await run(
      one([post], [], 10, {
        "post-id": [
          { Name: "test", Id: "12345", Path: "missing.txt" },
          { Name: "test2", Id: "54321", Path: "missing.txt" },
        ],
      }),
      attachmentStore({ "missing.txt": "missing" }),
    );
    assert.equal(zip.text("warning.txt"), `Warning:${MSG} - missing.txt`);
    assert.equal(result.warnings.length, 1);
  });
});
