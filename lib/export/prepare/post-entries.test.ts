// Classification (§3.3) and attachment entries (§3.4). TestPostToAttachmentsEntries is ported from
// Mattermost's shared/export_data_test.go @05be04ea; Test_getPostExport's expectations (a DB test
// there) are covered by the classification cases.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ExportFileInfo, ExportPost } from "../model.ts";
import {
  attachmentEntries,
  entriesForPost,
  isDeletedMessage,
  isEditedOriginalMessage,
  previewIdOf,
} from "./post-entries.ts";

function post(p: Partial<ExportPost>): ExportPost {
  return {
    id: "post",
    createAt: 1,
    updateAt: 1,
    deleteAt: 0,
    editAt: 0,
    message: "Some message",
    type: "",
    props: {},
    originalId: "",
    rootId: "",
    fileIds: [],
    teamId: "",
    teamName: "",
    teamDisplayName: "",
    channelId: "Test",
    channelName: "",
    channelDisplayName: "Test",
    channelType: "D",
    userId: "test",
    userEmail: "test@test.com",
    username: "test",
    isBot: false,
    ...p,
  };
}

function file(f: Partial<ExportFileInfo>): ExportFileInfo {
  return {
    id: "",
    postId: "test",
    name: "",
    path: "",
    size: 0,
    mimeType: "",
    createAt: 0,
    deleteAt: 0,
    storeKey: "",
    ...f,
  };
}

describe("TestPostToAttachmentsEntries (export_data_test.go)", () => {
  test("no-attachments", () => {
    const r = attachmentEntries(post({}), undefined, false);
    assert.deepEqual(r, { files: [], uploads: [], deletedFiles: [] });
  });

  test("one-attachment", () => {
    const f = file({ name: "test", id: "12345", path: "filename.txt" });
    const p = post({ id: "test", fileIds: ["12345"] });
    const r = attachmentEntries(p, [f], false);
    assert.deepEqual(r.uploads, [{ post: p, file: f, userType: "user" }]);
    assert.deepEqual(r.files, [f]);
    assert.deepEqual(r.deletedFiles, []);
  });

  test("two-attachment", () => {
    const f1 = file({ name: "test", id: "12345", path: "filename.txt" });
    const f2 = file({ name: "test2", id: "54321", path: "filename2.txt" });
    const p = post({ id: "test", fileIds: ["12345", "54321"] });
    const r = attachmentEntries(p, [f1, f2], false);
    assert.deepEqual(
      r.uploads.map((u) => u.file),
      [f1, f2],
    );
    assert.deepEqual(r.files, [f1, f2]);
    assert.deepEqual(r.deletedFiles, []);
  });

  test("one-attachment-deleted (post not deleted: upload recorded too)", () => {
    const f = file({ name: "test", id: "12345", path: "filename.txt", deleteAt: 2 });
    const p = post({ id: "test", deleteAt: 2, fileIds: ["12345", "54321"] });
    const r = attachmentEntries(p, [f], false);
    assert.deepEqual(
      r.uploads.map((u) => u.file),
      [f],
    );
    assert.deepEqual(r.files, [f]);
    assert.deepEqual(r.deletedFiles, [
      {
        post: p,
        file: f,
        updatedType: "FileDeleted",
        updateAt: 2,
        message: "delete filename.txt",
        userType: "user",
        previewsPost: "",
      },
    ]);
  });

  test("one-attachment-deleted, ignore it (only record the creation)", () => {
    const f = file({ name: "test", id: "12345", path: "filename.txt", deleteAt: 2 });
    const p = post({ id: "test", deleteAt: 2, fileIds: ["12345", "54321"] });
    const r = attachmentEntries(p, [f], true);
    assert.deepEqual(
      r.uploads.map((u) => u.file),
      [f],
    );
    assert.deepEqual(r.deletedFiles, []);
  });

  test("deleted file of a deleted post: only the FileDeleted entry", () => {
    const f = file({ name: "test", id: "1", path: "p", deleteAt: 2 });
    const p = post({ id: "test", deleteAt: 2, props: { deleteBy: "x" }, fileIds: ["1"] });
    const r = attachmentEntries(p, [f], false);
    assert.deepEqual(r.uploads, []);
    assert.equal(r.deletedFiles.length, 1);
  });

  test("file infos are ignored when the post has no file ids", () => {
    assert.deepEqual(attachmentEntries(post({}), [file({ id: "x" })], false).files, []);
  });
});

describe("classification (getPostExport + the extra created entry)", () => {
  const kinds = (p: ExportPost, jobStart = 0) =>
    entriesForPost(p, undefined, jobStart).map((e) => [
      e.updatedType,
      e.updateAt,
      e.message,
      e.editedNewMsgId,
    ]);

  test("created", () => {
    assert.deepEqual(kinds(post({ createAt: 5, updateAt: 5 })), [["", 0, "Some message", ""]]);
  });

  test("edited original (pre-edit text row)", () => {
    const p = post({
      id: "new",
      createAt: 1,
      updateAt: 2,
      deleteAt: 2,
      originalId: "orig",
      message: "old",
    });
    assert.ok(isEditedOriginalMessage(p));
    assert.deepEqual(kinds(p), [["EditedOriginalMsg", 2, "old", "orig"]]);
  });

  test("edited new (live row)", () => {
    assert.deepEqual(kinds(post({ createAt: 1, updateAt: 2, editAt: 2, message: "new" })), [
      ["EditedNewMsg", 2, "new", ""],
    ]);
  });

  test("updated, no message change (reaction, reply, ...)", () => {
    assert.deepEqual(kinds(post({ createAt: 1, updateAt: 3 })), [
      ["UpdatedNoMsgChange", 3, "Some message", ""],
    ]);
  });

  test("DeleteAt without deleteBy or OriginalId is an update", () => {
    const p = post({ createAt: 1, updateAt: 2, deleteAt: 2 });
    assert.equal(isDeletedMessage(p), false);
    assert.deepEqual(kinds(p), [["UpdatedNoMsgChange", 2, "Some message", ""]]);
  });

  test("deleted, created inside the job window: created entry first", () => {
    const p = post({
      createAt: 10,
      updateAt: 20,
      deleteAt: 20,
      props: { deleteBy: "u" },
      message: "m",
    });
    assert.deepEqual(kinds(p, 10), [
      ["", 0, "m", ""],
      ["Deleted", 20, "delete m", ""],
    ]);
  });

  test("deleted, created before the job window: Deleted entry only", () => {
    const p = post({
      createAt: 9,
      updateAt: 20,
      deleteAt: 20,
      props: { deleteBy: "u" },
      message: "m",
    });
    assert.deepEqual(kinds(p, 10), [["Deleted", 20, "delete m", ""]]);
  });

  test("deleteBy with a null value still counts (the key exists)", () => {
    assert.ok(isDeletedMessage(post({ deleteAt: 1, props: { deleteBy: null } })));
  });

  test("an edited original that also has deleteBy is only an edited original", () => {
    const p = post({
      id: "new",
      createAt: 1,
      updateAt: 2,
      deleteAt: 2,
      originalId: "orig",
      props: { deleteBy: "u" },
    });
    assert.deepEqual(
      kinds(p).map((k) => k[0]),
      ["EditedOriginalMsg"],
    );
  });

  test("previewed_post: strings only", () => {
    assert.equal(previewIdOf(post({ props: { previewed_post: "abc" } })), "abc");
    assert.equal(previewIdOf(post({ props: { previewed_post: 5 } })), "");
    assert.equal(previewIdOf(post({})), "");
  });

  test("bot author -> userType bot on every entry", () => {
    const p = post({
      isBot: true,
      createAt: 1,
      updateAt: 2,
      deleteAt: 2,
      props: { deleteBy: "u" },
    });
    assert.deepEqual(
      entriesForPost(p, undefined, 0).map((e) => e.userType),
      ["bot", "bot"],
    );
  });
});
