import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  cleanFileName,
  cleanId,
  cleanName,
  namedSegment,
  truncateUtf8,
  UniqueNames,
} from "./safe-names.ts";
import { assertSafeEntryName } from "./testing/validate-json-export.ts";

describe("safe names", () => {
  test("separators, traversal, Windows-reserved characters", () => {
    assert.equal(cleanName("a/b\\c", 100), "a_b_c");
    assert.equal(cleanName("../../etc/passwd", 100), "_._etc_passwd");
    assert.equal(cleanName("..", 100), "");
    assert.equal(cleanName(".hidden", 100), "hidden");
    assert.equal(cleanName('C:*?"<>|', 100), "C_______");
    assert.equal(cleanName("a..b...c", 100), "a.b.c");
    assert.equal(cleanName("trailing. ", 100), "trailing");
  });

  test("controls, NUL, CRLF, bidi overrides, lone surrogates", () => {
    assert.equal(cleanName("line1\r\nline2\u0000x\u0085y\u2028z", 100), "line1 line2 x y z");
    assert.equal(cleanName("gpj\u202e.exe", 100), "gpj.exe");
    assert.equal(cleanName("a\ud800b", 100), "a\ufffdb");
    assert.equal(cleanName("\t \u00a0 ", 100), "");
  });

  test("unicode kept, NFC, emoji sequences never split", () => {
    assert.equal(cleanName("مرحبا", 100), "مرحبا");
    assert.equal(cleanName("e\u0301", 100), "\u00e9");
    const family = "👩‍👩‍👧"; // 18 bytes
    assert.equal(truncateUtf8(family + family, 25), family + "…");
    assert.equal(truncateUtf8(family + family, 20), "…");
    assert.equal(truncateUtf8("short", 5), "short");
    assert.ok(Buffer.byteLength(cleanName("é".repeat(200), 101)) <= 101, "within the byte limit");
  });

  test("segments: name and id, id alone when the name is empty", () => {
    assert.equal(namedSegment("general", "ch1"), "general (ch1)");
    assert.equal(namedSegment("../..", "ch1"), "_ (ch1)");
    assert.equal(namedSegment("...", "ch1"), "ch1");
    assert.equal(namedSegment("x", "a/../b"), "x (a_._b)");
    assert.equal(cleanId(".."), "_");
  });

  test("file names keep their extension when cut", () => {
    assert.equal(cleanFileName("report.pdf"), "report.pdf");
    assert.equal(cleanFileName(""), "file");
    assert.equal(cleanFileName("..."), "file");
    assert.equal(cleanFileName("../"), "_");
    const long = cleanFileName("a".repeat(400) + ".pdf", 150);
    assert.ok(long.endsWith("….pdf"), long);
    assert.ok(Buffer.byteLength(long) <= 150, "within 150 bytes");
  });

  test("unique paths, ignoring case", () => {
    const names = new UniqueNames();
    assert.equal(names.take("Team_Chats/General (c1)"), "Team_Chats/General (c1)");
    assert.equal(names.take("Team_Chats/general (C1)"), "Team_Chats/general (C1) 2");
    assert.equal(names.take("Team_Chats/GENERAL (c1)"), "Team_Chats/GENERAL (c1) 3");
    assert.equal(names.take("Files/p/f-a.txt", { file: true }), "Files/p/f-a.txt");
    assert.equal(names.take("Files/p/F-A.txt", { file: true }), "Files/p/F-A 2.txt");
  });

  test("every cleaned segment is a safe entry name", () => {
    const nasty = [
      "..",
      "../x",
      "a\\b",
      "\u0000",
      "\r\n",
      "C:",
      "*",
      " . ",
      "💥".repeat(100),
      "x\u202e",
      "/",
      "con",
      "a" + ".".repeat(50),
    ];
    for (const n of nasty) assertSafeEntryName(`Team_Chats/${namedSegment(n, n)}/2024-01-01.json`);
    for (const n of nasty)
      assertSafeEntryName(`Files/${cleanId(n)}/${cleanId(n)}-${cleanFileName(n)}`);
  });
});
