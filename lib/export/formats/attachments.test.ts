import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AttachmentCopier,
  goPathBase,
  goPathClean,
  goPathJoin,
  goTrimSpace,
} from "./attachments.ts";
import { MemoryZipSink } from "./testing/memory-zip-sink.ts";
import { mmFile } from "./testing/fixtures.ts";

test("goPathBase = Go path.Base", () => {
  const cases: [string, string][] = [
    ["", "."],
    ["/", "/"],
    ["///", "/"],
    ["a", "a"],
    ["a/b", "b"],
    ["a/b/", "b"],
    ["20240101/teams/t/channels/c/users/u/f/name with space.pdf", "name with space.pdf"],
    ["a/..", ".."],
  ];
  for (const [input, want] of cases) assert.equal(goPathBase(input), want, input);
});

test("goPathClean / goPathJoin = Go path.Clean / path.Join", () => {
  const clean: [string, string][] = [
    ["", "."],
    ["a//b", "a/b"],
    ["a/./b/", "a/b"],
    ["a/../b", "b"],
    ["../a", "../a"],
    ["a/../..", ".."],
    ["/..", "/"],
    ["/a/../../b", "/b"],
  ];
  for (const [input, want] of clean) assert.equal(goPathClean(input), want, input);
  assert.equal(
    goPathJoin("files", "post-id", "file-id-name.txt"),
    "files/post-id/file-id-name.txt",
  );
  assert.equal(goPathJoin("files", "", "x"), "files/x");
  assert.equal(goPathJoin("files", "p", "id-/"), "files/p/id-");
  assert.equal(goPathJoin("", ""), "");
});

test("goTrimSpace = Go strings.TrimSpace (unicode.IsSpace, not JS trim)", () => {
  assert.equal(goTrimSpace(" \t\u0085x y\u3000\n"), "x y");
  assert.equal(goTrimSpace("\ufeffx\ufeff"), "\ufeffx\ufeff"); // BOM is not a Go space
  assert.equal(goTrimSpace("   "), "");
});

test('a file whose bytes were never received (storeKey "") is a warning without opening anything', async () => {
  let opened = 0;
  const copier = new AttachmentCopier(new MemoryZipSink(), async () => {
    opened++;
    throw new Error("not reached");
  });
  const file = { ...mmFile({ Id: "f", Path: "a/b" }), storeKey: "" };
  assert.equal(await copier.copy("a/b", file), "open-failed");
  assert.equal(await copier.copy("a/b", file), "duplicate");
  assert.equal(opened, 0);
});
